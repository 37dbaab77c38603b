"""What happens around a dossier: timeline rows, accompaniment trail, entretiens, the
once-only right and the planner choices."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from workflows.models import TransitionLog

from ..enums import Channel, DossierState, Exam, PlanChoiceKind, TrailKind


class DossierTransition(TransitionLog):
    """One row per state change: the dossier's timeline."""

    dossier = models.ForeignKey(
        "dossiers.RepreparationDossier", on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField("état de départ", max_length=30, blank=True)
    to_state = models.CharField("nouvel état", max_length=30, choices=DossierState.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "étape du dossier"
        verbose_name_plural = "étapes du dossier"

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.from_label} → {self.get_to_state_display()}"

    @property
    def from_label(self) -> str:
        return DossierState(self.from_state).label if self.from_state else "—"


class AccompanimentEntry(models.Model):
    """The accompaniment trail: proof that each ajourné was accompanied, volunteer or not."""

    dossier = models.ForeignKey(
        "dossiers.RepreparationDossier", on_delete=models.CASCADE, related_name="trail"
    )
    kind = models.CharField("type", max_length=20, choices=TrailKind.choices)
    channel = models.CharField("canal", max_length=20, choices=Channel.choices)
    occurred_on = models.DateField("date")
    reached = models.BooleanField("personne jointe", null=True, blank=True)
    note = models.TextField("note", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, verbose_name="par"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "action d'accompagnement"
        verbose_name_plural = "suivi de l'accompagnement"
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=TrailKind.CONTACT) | Q(reached__isnull=False),
                name="trail_contact_says_if_reached",
            )
        ]

    def __str__(self):
        return (
            f"{self.occurred_on:%d/%m/%Y} {self.get_kind_display()} ({self.get_channel_display()})"
        )

    def clean(self):
        today = timezone.localdate()
        if self.occurred_on and self.dossier_id:
            if self.occurred_on < self.dossier.opened_on:
                raise ValidationError(
                    {
                        "occurred_on": "Date antérieure au jour des résultats "
                        f"({self.dossier.opened_on:%d/%m/%Y})."
                    }
                )
            if self.occurred_on > today:
                raise ValidationError({"occurred_on": "La date ne peut pas être dans le futur."})
        if self.kind == TrailKind.CONTACT and self.reached is None:
            raise ValidationError({"reached": "Indiquez si la personne a été jointe."})


class Entretien(models.Model):
    """Entretien de situation (seed 000; domain.md §4.3)."""

    dossier = models.ForeignKey(
        "dossiers.RepreparationDossier", on_delete=models.CASCADE, related_name="entretiens"
    )
    held_on = models.DateField("date de l'entretien")
    participants = models.TextField("participants")
    expectations = models.TextField("attentes de l'élève", blank=True)
    needs = models.TextField("besoins identifiés", blank=True)
    options = models.TextField("possibilités étudiées", blank=True)
    outcome = models.TextField("conclusion", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, verbose_name="par"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "entretien de situation"
        verbose_name_plural = "entretiens de situation"
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"Entretien du {self.held_on:%d/%m/%Y}"

    @staticmethod
    def validate_date(held_on: dt.date, *, opened_on: dt.date, today: dt.date) -> None:
        if held_on < opened_on:
            raise ValidationError(
                "L'entretien ne peut pas avoir lieu avant le jour des résultats "
                f"({opened_on:%d/%m/%Y})."
            )
        if held_on > today:
            raise ValidationError(
                "Un entretien ne peut pas être enregistré avant d'avoir eu lieu : utilisez "
                "« Planifier l'entretien »."
            )


class RightUse(models.Model):
    """The D.331-61 right, used once per person and diploma (unique in the database)."""

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="+", verbose_name="élève"
    )
    exam = models.CharField("examen", max_length=20, choices=Exam.choices)
    specialty = models.CharField("série ou spécialité", max_length=120, blank=True)
    dossier = models.OneToOneField(
        "dossiers.RepreparationDossier", on_delete=models.CASCADE, related_name="right_use"
    )
    session_year = models.PositiveSmallIntegerField("session de l'échec")
    school_year = models.PositiveSmallIntegerField("année scolaire de la re-préparation")
    used_on = models.DateField("utilisé le")

    class Meta:
        verbose_name = "usage du droit à une nouvelle préparation"
        verbose_name_plural = "usages du droit à une nouvelle préparation"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "exam", "specialty"], name="right_used_once_per_diploma"
            )
        ]

    def __str__(self):
        return f"Droit utilisé — {self.get_exam_display()} {self.specialty} ({self.session_year})"


class PlanChoice(models.Model):
    """The pupil's choice for one épreuve: keep the mark or sit it again.

    A draft until the registration for the session is confirmed (ExamRegistration), then
    locked. Every change is historised (who, when, from what).
    """

    dossier = models.ForeignKey(
        "dossiers.RepreparationDossier", on_delete=models.CASCADE, related_name="plan_choices"
    )
    mark = models.ForeignKey("dossiers.EpreuveMark", on_delete=models.CASCADE, related_name="+")
    choice = models.CharField("choix", max_length=20, choices=PlanChoiceKind.choices)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, verbose_name="saisi par"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        verbose_name = "choix par épreuve"
        constraints = [models.UniqueConstraint(fields=["dossier", "mark"], name="plan_choice_once")]

    def __str__(self):
        return self.get_choice_display()


class ExamRegistration(models.Model):
    """The candidate's registration for the next session (Cyclades), recorded by the school.

    It turns the planner's choices into what was registered: from then on they are locked
    (renouncing a mark is definitive for the bac GT, valid for that session only for the CAP).
    A confirmation entered by mistake can be withdrawn with a reason; the row stays, dated.
    """

    dossier = models.ForeignKey(
        "dossiers.RepreparationDossier",
        on_delete=models.CASCADE,
        related_name="exam_registrations",
        verbose_name="dossier",
    )
    session_year = models.PositiveSmallIntegerField("session")
    registered_on = models.DateField("inscription enregistrée dans Cyclades le")
    kept_summary = models.TextField("notes conservées et épreuves repassées", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="confirmée par",
    )
    confirmed_at = models.DateTimeField("confirmée le", auto_now_add=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="annulée par",
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    cancel_reason = models.TextField("motif de l'annulation", blank=True)

    class Meta:
        verbose_name = "inscription à la session"
        verbose_name_plural = "inscriptions à la session"
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(cancelled_at__isnull=True),
                name="exam_registration_one_active",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="exam_registration_cancel_has_reason",
            ),
        ]

    def __str__(self):
        return f"Inscription à la session {self.session_year} ({self.registered_on:%d/%m/%Y})"
