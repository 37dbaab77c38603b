from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..enums import BilanKind


class PathBilan(models.Model):
    """A review of a running PAFI or dérogatoire path (bilan d'étape, bilan final)."""

    pafi = models.ForeignKey(
        "prevention.Pafi", null=True, blank=True, on_delete=models.CASCADE, related_name="bilans"
    )
    derogatoire = models.ForeignKey(
        "prevention.Derogatoire",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bilans",
    )
    kind = models.CharField("type", max_length=10, choices=BilanKind.choices)
    date = models.DateField("date")
    assessment = models.TextField("atteinte des objectifs et observations")
    next_steps = models.TextField("suite proposée", blank=True)
    attach_to_assignment = models.BooleanField(
        "joindre au dossier d'affectation (élève à besoin particulier, commission Prépam)",
        default=False,
    )
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "bilan"
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                name="bilan_has_exactly_one_path",
                condition=Q(pafi__isnull=False, derogatoire__isnull=True)
                | Q(pafi__isnull=True, derogatoire__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["derogatoire"],
                condition=Q(kind="final"),
                name="bilan_one_final_per_derogatoire",
            ),
            models.UniqueConstraint(
                fields=["pafi"], condition=Q(kind="final"), name="bilan_one_final_per_pafi"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"
