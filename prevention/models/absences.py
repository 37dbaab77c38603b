"""Monthly absences per pupil and the early signals computed from them."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ..enums import FlagReason
from .base import SchoolScopedQuerySet


class AbsenceRecord(models.Model):
    """One pupil, one month: half-days missed (of which unjustified), incidents, term average.

    `month` is the first day of the month. Re-importing the same (pupil, month) replaces it.
    """

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="absence_records"
    )
    school = models.ForeignKey(
        "territories.Etablissement", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField("mois")
    half_days_missed = models.PositiveSmallIntegerField("demi-journées d'absence")
    half_days_unjustified = models.PositiveSmallIntegerField("dont non justifiées", default=0)
    expected_half_days = models.PositiveSmallIntegerField(
        "demi-journées de classe attendues", null=True, blank=True
    )
    incidents = models.PositiveSmallIntegerField("incidents", null=True, blank=True)
    term_average = models.DecimalField(
        "moyenne trimestrielle", max_digits=4, decimal_places=2, null=True, blank=True
    )
    imported_at = models.DateTimeField("importé le", default=timezone.now)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "absences du mois"
        verbose_name_plural = "absences mensuelles"
        ordering = ["student", "month"]
        constraints = [
            models.UniqueConstraint(fields=["student", "month"], name="absence_one_per_month"),
            models.CheckConstraint(
                condition=Q(half_days_unjustified__lte=F("half_days_missed")),
                name="absence_unjustified_within_missed",
            ),
            models.CheckConstraint(
                condition=Q(expected_half_days__isnull=True) | Q(expected_half_days__gt=0),
                name="absence_expected_positive",
            ),
            models.CheckConstraint(
                condition=Q(term_average__isnull=True)
                | Q(term_average__gte=0, term_average__lte=20),
                name="absence_average_out_of_20",
            ),
        ]
        indexes = [models.Index(fields=["school", "month"])]

    def __str__(self):
        return f"{self.month:%m/%Y} — {self.half_days_missed} demi-journées"


class Flag(models.Model):
    """A signal currently raised for a pupil: an aid for the staff, never a decision.

    Rows are recomputed in SQL from the absences (`services.compute_flags`); `since` is the
    first month of the current unbroken run of months where the condition holds.
    """

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "territories.Etablissement", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField("motif", max_length=20, choices=FlagReason.choices)
    since = models.DateField("depuis")
    latest_month = models.DateField("dernier mois connu")
    value = models.FloatField("valeur observée", null=True)
    computed_at = models.DateTimeField("calculé le")

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "signal"
        ordering = ["since", "student_id"]
        constraints = [
            models.UniqueConstraint(fields=["student", "reason"], name="flag_one_per_reason")
        ]
        indexes = [models.Index(fields=["school", "student"])]

    def __str__(self):
        return self.get_reason_display()

    @property
    def value_display(self) -> str:
        if self.value is None:
            return ""
        if self.reason in (FlagReason.LOW_ATTENDANCE,):
            return f"assiduité {self.value * 100:.0f} %"
        if self.reason == FlagReason.ATTENDANCE_DROP:
            return f"−{self.value * 100:.0f} points"
        if self.reason == FlagReason.UNJUSTIFIED:
            return f"{self.value:.0f} demi-journées non justifiées"
        if self.reason == FlagReason.INCIDENTS:
            return f"{self.value:.0f} incidents"
        return f"−{self.value:.1f} points de moyenne"
