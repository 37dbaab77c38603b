"""GPDS: the school's prevention group, its meetings and the decision taken for each pupil."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..enums import GpdsDecision
from .base import SchoolScopedQuerySet


class GpdsMeeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établissement",
    )
    date = models.DateField("date de la réunion")
    members = models.TextField(
        "membres présents",
        help_text="Un nom et une fonction par ligne (CPE, professeur principal, PsyEN, "
        "infirmière, assistante sociale, référent décrochage…).",
    )
    notes = models.TextField("notes générales", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "réunion du GPDS"
        verbose_name_plural = "réunions du GPDS"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self):
        return f"GPDS du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("prevention:gpds_detail", args=[self.public_id])

    @property
    def member_list(self) -> list[str]:
        return [line.strip() for line in self.members.splitlines() if line.strip()]


class GpdsReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(meeting__in=GpdsMeeting.objects.visible_to(user).values("id"))

    def writable_by(self, user):
        return self.filter(meeting__in=GpdsMeeting.objects.writable_by(user).values("id"))

    def latest_per_student(self):
        """Only the most recent review of each pupil (the current GPDS position)."""
        newer = GpdsReview.objects.filter(
            student_id=models.OuterRef("student_id"),
            meeting__school_id=models.OuterRef("meeting__school_id"),
        ).order_by("-meeting__date", "-id")
        return self.filter(id=models.Subquery(newer.values("id")[:1]))


class GpdsReview(models.Model):
    """One pupil examined in one meeting, with the decision and who carries it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        GpdsMeeting, on_delete=models.CASCADE, related_name="reviews", verbose_name="réunion"
    )
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="+", verbose_name="élève"
    )
    situation = models.TextField("situation observée", blank=True)
    decision = models.CharField("décision", max_length=20, choices=GpdsDecision.choices)
    in_charge = models.CharField("personne en charge", max_length=150)
    next_review_on = models.DateField("prochain examen en GPDS", null=True, blank=True)
    mlds_reference = models.CharField("suivi MLDS ouvert", max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = GpdsReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "examen en GPDS"
        verbose_name_plural = "examens en GPDS"
        ordering = ["meeting__date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "student"], name="gpds_review_once_per_meeting"
            )
        ]
        indexes = [models.Index(fields=["student", "meeting"])]

    def __str__(self):
        return f"{self.student} — {self.get_decision_display()}"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url() + f"#examen-{self.public_id}"
