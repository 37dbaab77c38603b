"""Droit au retour en formation initiale of young people aged 16 to 25 (domain.md §4.11)."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.roles import MLDS_DEPARTEMENT_READ_ROLES, MLDS_WRITE_ROLES, active_role
from workflows.models import TransitionLog

from .. import rules
from ..enums import DroitRetourChannel, DroitRetourStatus, HighestDiploma
from ..workflow import DROIT_RETOUR_WORKFLOW
from .base import TransitionMixin, departement_q

D = DroitRetourStatus
TRANSITIONS = {
    D.DEMANDE: {D.ENTRETIEN, D.REFUSE},
    D.ENTRETIEN: {D.PROPOSITION, D.REFUSE},
    D.PROPOSITION: {D.INSCRIT, D.REFUSE},
    D.INSCRIT: set(),
    D.REFUSE: set(),
}


class DroitRetourQuerySet(models.QuerySet):
    def visible_to(self, user):
        role = active_role(user, nominative=True)
        if role is None:
            return self.none()
        if role.role in MLDS_DEPARTEMENT_READ_ROLES:
            return self.filter(departement_q(role))
        if role.role == Role.DIRECTEUR_CIO:
            return self.filter(role.school_q("last_school__"))
        return self.none()

    def writable_by(self, user):
        role = active_role(user, nominative=True)
        if role is None or role.role not in MLDS_WRITE_ROLES:
            return self.none()
        return self.filter(departement_q(role))

    def open(self):
        return self.filter(status__in=[D.DEMANDE, D.ENTRETIEN, D.PROPOSITION])


class DroitRetour(TransitionMixin, models.Model):
    """A request to return to initial training: interview within 15 days, then a proposal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="droit_retour",
        verbose_name="jeune",
    )
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, related_name="+"
    )
    last_school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="dernier établissement",
    )
    follow_up = models.ForeignKey(
        "mlds.FollowUp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="droit_retour",
        verbose_name="suivi MLDS",
    )
    channel = models.CharField(
        "demande reçue par", max_length=20, choices=DroitRetourChannel.choices
    )
    highest_diploma = models.CharField(
        "diplôme le plus élevé",
        max_length=20,
        choices=HighestDiploma.choices,
        blank=True,
        help_text="Déclaré par le jeune ; un diplôme connu de l'application l'emporte. Vide : "
        "demande enregistrée avant que la condition de diplôme ne soit vérifiée.",
    )
    requested_on = models.DateField("date de la demande")
    interview_due_on = models.DateField("entretien à tenir avant le")
    interview_on = models.DateField("entretien le", null=True, blank=True)
    interview_note = models.TextField("compte rendu de l'entretien", blank=True)
    proposal = models.CharField("formation proposée", max_length=250, blank=True)
    proposal_school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établissement proposé",
    )
    enrolled_on = models.DateField("inscrit le", null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    status = models.CharField("étape", max_length=20, choices=D.choices, default=D.DEMANDE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    objects = DroitRetourQuerySet.as_manager()
    log_fk = "request"
    workflow = DROIT_RETOUR_WORKFLOW

    class Meta:
        verbose_name = "droit au retour en formation"
        verbose_name_plural = "droits au retour en formation"
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status__in=["demande", "entretien", "proposition"]),
                name="mlds_one_open_droit_retour",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["entretien", "proposition", "inscrit"])
                | Q(interview_on__isnull=False),
                name="mlds_dr_interview_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status="inscrit") | Q(enrolled_on__isnull=False),
                name="mlds_dr_enrolled_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="refuse") | ~Q(refusal_reason=""),
                name="mlds_dr_refusal_reason",
            ),
        ]

    def __str__(self):
        return f"Droit au retour de {self.student}"

    def get_absolute_url(self):
        return reverse("mlds:droit_retour_detail", args=[self.public_id])

    @property
    def log_model(self):
        return DroitRetourLog

    @staticmethod
    def interview_deadline(requested_on: dt.date) -> dt.date:
        return requested_on + dt.timedelta(days=rules.DROIT_RETOUR_INTERVIEW_DAYS)

    def _guard(self, target):
        if target not in TRANSITIONS[D(self.status)]:
            raise ValidationError(
                f"Impossible de passer de l'étape « {self.get_status_display()} » "
                f"à « {D(target).label} »."
            )

    def record_interview(self, *, by, on, note, expected_version=None):
        self._guard(D.ENTRETIEN)
        if on < self.requested_on:
            raise ValidationError("L'entretien ne peut pas précéder la demande.")
        if on > timezone.localdate():
            raise ValidationError("La date de l'entretien ne peut pas être dans le futur.")
        self.interview_on = on
        self.interview_note = note
        late = on > self.interview_due_on
        self._commit(
            "entretien",
            by=by,
            to=D.ENTRETIEN,
            comment=f"Entretien le {on:%d/%m/%Y}" + (" (au-delà des 15 jours)" if late else ""),
            fields=["interview_on", "interview_note"],
            expected_version=expected_version,
        )

    def make_proposal(self, *, by, proposal, school=None, expected_version=None):
        self._guard(D.PROPOSITION)
        if not (proposal or "").strip():
            raise ValidationError("Indiquez la formation proposée.")
        self.proposal = proposal
        self.proposal_school = school
        self._commit(
            "proposition",
            by=by,
            to=D.PROPOSITION,
            comment=f"Proposition : {proposal}" + (f" ({school})" if school else ""),
            fields=["proposal", "proposal_school"],
            expected_version=expected_version,
        )

    def enrol(self, *, by, on, expected_version=None):
        self._guard(D.INSCRIT)
        self.enrolled_on = on
        self._commit(
            "inscription",
            by=by,
            to=D.INSCRIT,
            comment=f"Inscrit le {on:%d/%m/%Y}",
            fields=["enrolled_on"],
            expected_version=expected_version,
        )

    def refuse(self, *, by, reason, expected_version=None):
        self._guard(D.REFUSE)
        if not (reason or "").strip():
            raise ValidationError("Indiquez le motif du refus (par le jeune ou faute de place).")
        self.refusal_reason = reason
        self._commit(
            "refus",
            by=by,
            to=D.REFUSE,
            comment=f"Refus : {reason}",
            fields=["refusal_reason"],
            expected_version=expected_version,
        )

    def deadline_specs(self):
        from notifications.services import DeadlineSpec

        from ..enums import MldsDeadline

        return [
            DeadlineSpec(
                kind=MldsDeadline.DROIT_RETOUR_ENTRETIEN,
                due_date=self.interview_due_on,
                label=f"Entretien du droit au retour de {self.student} (15 jours)",
                url=self.get_absolute_url(),
                done=self.interview_on is not None or self.status == D.REFUSE,
                student_id=self.student_id,
                departement_id=self.departement_id,
            )
        ]

    def sync_deadlines(self):
        from notifications.services import sync_deadlines

        sync_deadlines(subject=self, specs=self.deadline_specs())


class DroitRetourLog(TransitionLog):
    request = models.ForeignKey(DroitRetour, on_delete=models.CASCADE, related_name="logs")
    from_state = models.CharField("de", max_length=20, choices=D.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=D.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "historique du droit au retour"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y} {self.from_state} → {self.to_state}"
