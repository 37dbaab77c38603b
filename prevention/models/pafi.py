"""PAFI — parcours aménagé de formation initiale (seed 002, domain §4.13)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .. import conf, rules
from ..enums import PafiOutcome, PafiStatus, PathKind
from .base import PathBase

S = PafiStatus


class Pafi(PathBase):
    """Pupil status kept; up to one year; entry at any time; validated by the département."""

    Status = PafiStatus
    KIND = PathKind.PAFI
    URL_NAME = "prevention:pafi_detail"
    TRANSITIONS = {
        S.PROJECT: {S.SUBMITTED, S.CANCELLED},
        S.SUBMITTED: {S.VALIDATED, S.REFUSED},
        S.VALIDATED: {S.RUNNING, S.CANCELLED},
        S.RUNNING: {S.CLOSED},
    }
    TERMINAL_STATUSES = {S.REFUSED, S.CLOSED, S.CANCELLED}
    DEPARTEMENT_VISIBLE_STATUSES = {S.SUBMITTED, S.VALIDATED, S.REFUSED, S.RUNNING, S.CLOSED}

    status = models.CharField("état", max_length=20, choices=S.choices, default=S.PROJECT)
    planned_start = models.DateField("début prévu")
    planned_end = models.DateField("fin prévue")
    objectives = models.TextField("objectifs")
    activities = models.TextField(
        "activités hors de l'établissement",
        help_text="Structures et activités (associatives, culturelles, professionnelles, "
        "sportives, service civique) ; l'élève garde son statut scolaire et ses droits.",
    )
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_comment = models.TextField("motif de la décision", blank=True)
    started_on = models.DateField("début effectif", null=True, blank=True)
    next_review_on = models.DateField("prochain bilan", null=True, blank=True)
    outcome = models.CharField("issue", max_length=20, choices=PafiOutcome.choices, blank=True)
    closed_on = models.DateField("clos le", null=True, blank=True)

    class Meta:
        verbose_name = "PAFI"
        verbose_name_plural = "PAFI"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="pafi_end_after_start", condition=Q(planned_end__gt=models.F("planned_start"))
            ),
            models.CheckConstraint(
                name="pafi_running_has_start",
                condition=~Q(status__in=[S.RUNNING, S.CLOSED]) | Q(started_on__isnull=False),
            ),
            models.CheckConstraint(
                name="pafi_closed_has_outcome",
                condition=~Q(status=S.CLOSED) | (~Q(outcome="") & Q(closed_on__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status__in=[S.PROJECT, S.SUBMITTED, S.VALIDATED, S.RUNNING]),
                name="pafi_one_open_per_student",
            ),
        ]

    def __str__(self):
        return f"PAFI de {self.student}"

    @property
    def latest_end(self) -> dt.date:
        return rules.pafi_latest_end(self.started_on or self.planned_start)

    def check_dates(self, start: dt.date | None = None):
        """Age ≥ 15 at the start and at most one year: refused in French otherwise."""
        start = start or self.started_on or self.planned_start
        if not rules.is_pafi_age_ok(self.student.birth_date, start):
            raise ValidationError(
                f"Le PAFI est ouvert aux élèves d'au moins {rules.PAFI_MIN_AGE} ans au début du "
                f"parcours : {self.student} aura {self.student.age_on(start)} ans le "
                f"{start:%d/%m/%Y}."
            )
        if self.planned_end <= start:
            raise ValidationError("La fin prévue doit suivre le début du parcours.")
        if self.planned_end > rules.pafi_latest_end(start):
            raise ValidationError(
                f"Un PAFI dure au plus {rules.PAFI_MAX_MONTHS()} mois : la fin prévue ne peut "
                f"dépasser le {rules.pafi_latest_end(start):%d/%m/%Y}."
            )

    # --- transitions -------------------------------------------------------------------
    def submit(self, *, by, now):
        self.check_dates()
        self.submitted_at = now
        self._move(S.SUBMITTED, by=by, label="Transmis au département pour validation")

    def decide(self, *, by, now, accept: bool, comment: str = ""):
        if not accept and not comment.strip():
            raise ValidationError("Indiquez le motif du refus.")
        role = getattr(by, "active_role", None)
        if role is None or role.role != conf.pafi_validator_role():
            raise ValidationError("La validation des PAFI revient à un autre rôle du département.")
        self.decided_at, self.decided_by, self.decision_comment = now, by, comment
        self._move(S.VALIDATED if accept else S.REFUSED, by=by, comment=comment)

    def start(self, *, by, started_on: dt.date):
        if self.status != S.VALIDATED:
            raise ValidationError(
                "Le PAFI ne peut commencer qu'une fois validé par le département."
            )
        self.check_dates(started_on)
        self.started_on = started_on
        if self.next_review_on is None:
            self.next_review_on = min(
                self.planned_end, started_on + dt.timedelta(days=conf.bilan_interval_days())
            )
        self._move(S.RUNNING, by=by, label="Début du PAFI (statut scolaire conservé)")

    def close(self, *, by, outcome: str, closed_on: dt.date, comment: str = ""):
        if self.status != S.RUNNING:
            raise ValidationError("Seul un PAFI en cours peut être clos.")
        if not self.bilans.exists():
            raise ValidationError("Enregistrez au moins un bilan avant de clore le PAFI.")
        if outcome not in PafiOutcome.values:
            raise ValidationError("Choisissez l'issue du PAFI.")
        self.outcome, self.closed_on = outcome, closed_on
        self._move(
            S.CLOSED, by=by, comment=comment, label=f"PAFI clos : {PafiOutcome(outcome).label}"
        )

    def cancel(self, *, by, comment: str):
        if not comment.strip():
            raise ValidationError("Indiquez pourquoi le PAFI est abandonné.")
        self._move(S.CANCELLED, by=by, comment=comment)

    def deadline_specs(self):
        from notifications.services import DeadlineSpec

        from ..enums import PreventionDeadline

        kw = self.spec_kwargs()
        specs = []
        if self.status in (S.RUNNING, S.CLOSED):
            done = self.status == S.CLOSED
            if self.next_review_on:
                specs.append(
                    DeadlineSpec(
                        kind=PreventionDeadline.PAFI_REVIEW,
                        due_date=self.next_review_on,
                        label=f"Bilan du PAFI de {self.student}",
                        done=done,
                        **kw,
                    )
                )
            specs.append(
                DeadlineSpec(
                    kind=PreventionDeadline.PAFI_END,
                    due_date=self.planned_end,
                    label=f"Fin du PAFI de {self.student}",
                    done=done,
                    **kw,
                )
            )
        return specs
