"""Deadlines are data: one row per (case, kind), recomputed whenever the case changes."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from .enums import DeadlineKind


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Deadlines of cases whose school lies in the active scope, or of the département."""
        role = getattr(user, "active_role", None)
        if role is None or not role.is_nominative:
            return self.none()
        return self.filter(
            role.school_q("school__")
            | Q(school__isnull=True, departement_id__in=role.departement_ids())
        )

    def open(self):
        return self.filter(completed_at__isnull=True)

    def due_by(self, day):
        return self.open().filter(due_date__lte=day)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)


class Deadline(models.Model):
    kind = models.CharField("échéance", max_length=40, choices=DeadlineKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    label = models.CharField("libellé", max_length=250)
    url = models.CharField("lien vers le dossier", max_length=300)
    due_date = models.DateField("date d'échéance", db_index=True)
    student = models.ForeignKey(
        "students.Student",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name="élève",
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name="établissement",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name="département",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadlines",
        verbose_name="personne en charge",
    )
    completed_at = models.DateTimeField("réalisée le", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = "échéance"
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"], name="deadline_one_per_case_and_kind"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_date"],
                condition=Q(completed_at__isnull=True),
                name="deadline_open_due",
            )
        ]

    def __str__(self):
        return f"{self.label} — {self.due_date:%d/%m/%Y}"
