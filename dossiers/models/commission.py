"""The departmental commission d'affectation: sessions, capacities, decisions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.enums import Role
from accounts.roles import COMMISSION_ROLES

from ..enums import DecisionOutcome, DossierState
from .dossier import RepreparationDossier

S = DossierState


# --- Commission d'affectation ---------------------------------------------------------------


def _commission_departements(user):
    role = getattr(user, "active_role", None)
    if role is None or not role.is_nominative:
        return None
    if role.role in COMMISSION_ROLES or role.role == Role.ADMINISTRATEUR:
        return role.departement_ids()
    return None


class Commission(models.Model):
    """The commission d'affectation of one département (seed 000)."""

    departement = models.OneToOneField(
        "territories.Departement", on_delete=models.CASCADE, verbose_name="département"
    )

    class Meta:
        verbose_name = "commission d'affectation"
        verbose_name_plural = "commissions d'affectation"

    def __str__(self):
        return f"Commission d'affectation — {self.departement}"


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        deps = _commission_departements(user)
        if deps is None:
            return self.none()
        return self.filter(commission__departement_id__in=deps)


class CommissionSession(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="sessions", verbose_name="commission"
    )
    date = models.DateField("date de la séance")
    place = models.CharField("lieu", max_length=200, blank=True)
    members = models.TextField("membres", help_text="Un membre par ligne : nom et qualité.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "séance de commission"
        verbose_name_plural = "séances de commission"
        ordering = ["-date", "id"]

    def __str__(self):
        return f"Séance du {self.date:%d/%m/%Y} — {self.commission.departement}"

    def get_absolute_url(self):
        return reverse("dossiers:session_detail", args=[self.public_id])

    @property
    def members_list(self) -> list[str]:
        return [line.strip() for line in self.members.splitlines() if line.strip()]

    def pending_dossiers(self):
        """The agenda: the département's transmitted dossiers not yet decided, by priority."""
        return RepreparationDossier.objects.filter(
            state=S.TRANSMIS_COMMISSION, school__departement_id=self.commission.departement_id
        ).by_priority()


class CapacityQuerySet(models.QuerySet):
    def visible_to(self, user):
        deps = _commission_departements(user)
        if deps is None:
            return self.none()
        return self.filter(commission__departement_id__in=deps)


class Capacity(models.Model):
    """Places offered by a receiving school for a formation; never exceeded (DB check)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="capacities", verbose_name="commission"
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="établissement d'accueil",
    )
    formation = models.CharField("formation", max_length=160)
    places = models.PositiveSmallIntegerField("places")
    assigned = models.PositiveSmallIntegerField("places attribuées", default=0)

    objects = CapacityQuerySet.as_manager()

    class Meta:
        verbose_name = "capacité d'accueil"
        verbose_name_plural = "capacités d'accueil"
        ordering = ["school__name", "formation"]
        constraints = [
            models.UniqueConstraint(fields=["school", "formation"], name="capacity_once"),
            models.CheckConstraint(
                condition=Q(assigned__lte=models.F("places")), name="capacity_never_exceeded"
            ),
        ]

    def __str__(self):
        return f"{self.school.name} — {self.formation} ({self.remaining} place(s) libre(s))"

    @property
    def remaining(self) -> int:
        return self.places - self.assigned


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Decisions of the commissions of the active role's départements."""
        deps = _commission_departements(user)
        if deps is None:
            return self.none()
        return self.filter(session__commission__departement_id__in=deps)


class CommissionDecision(models.Model):
    """The commission's decision on one dossier: exactly once (one-to-one).

    A waiting-list decision may name the formation waited for (`capacity`): when a place of
    that capacity frees up, the first in line is assigned (`services.promote_from_waiting_list`)
    and the decision becomes an assignment, dated by `promoted_at`. An assignment the family
    declines is kept, marked `withdrawn_at`, and its place is freed
    (`services.record_withdrawal`).
    """

    dossier = models.OneToOneField(
        RepreparationDossier, on_delete=models.PROTECT, related_name="decision"
    )
    session = models.ForeignKey(
        CommissionSession, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField("décision", max_length=20, choices=DecisionOutcome.choices)
    capacity = models.ForeignKey(
        Capacity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name="affectation ou formation attendue",
    )
    reason = models.TextField("motif", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField("affecté depuis la liste d'attente le", null=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField("désistement enregistré le", null=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField("motif du désistement", blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "décision de la commission"
        verbose_name_plural = "décisions de la commission"
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome=DecisionOutcome.AFFECTE) & Q(capacity__isnull=False))
                | (Q(outcome=DecisionOutcome.LISTE_ATTENTE) & ~Q(reason=""))
                | (
                    Q(outcome=DecisionOutcome.NON_AFFECTE)
                    & Q(capacity__isnull=True)
                    & ~Q(reason="")
                ),
                name="decision_assigned_has_capacity_else_reason",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | (Q(outcome=DecisionOutcome.AFFECTE) & ~Q(withdrawal_reason="")),
                name="decision_only_assignments_are_withdrawn",
            ),
        ]
        indexes = [
            models.Index(
                fields=["capacity", "decided_at", "id"],
                name="decision_waiting_list",
                condition=Q(outcome=DecisionOutcome.LISTE_ATTENTE),
            ),
        ]

    def __str__(self):
        return self.summary

    @property
    def is_assignment(self) -> bool:
        """An assignment still standing (not declined by the family)."""
        return self.outcome == DecisionOutcome.AFFECTE and self.withdrawn_at is None

    @property
    def summary(self) -> str:
        if self.outcome == DecisionOutcome.AFFECTE:
            text = f"Affecté : {self.capacity.school.name} — {self.capacity.formation}"
            if self.promoted_at:
                text += f" (depuis la liste d'attente, le {self.promoted_at:%d/%m/%Y})"
            if self.withdrawn_at:
                text += f" — désistement le {self.withdrawn_at:%d/%m/%Y} : {self.withdrawal_reason}"
            return text
        if self.outcome == DecisionOutcome.LISTE_ATTENTE and self.capacity_id:
            return (
                f"Liste d'attente ({self.capacity.school.name} — {self.capacity.formation}) : "
                f"{self.reason}"
            )
        return f"{self.get_outcome_display()} : {self.reason}"
