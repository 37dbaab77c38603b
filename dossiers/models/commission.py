"""The departmental commission d'affectation: sessions, capacities, decisions."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

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
        """The agenda: the dossiers transmitted to this département's commission (requests
        for its schools, whatever the pupil's département) not yet decided, by priority."""
        return RepreparationDossier.objects.on_docket_of(
            [self.commission.departement_id]
        ).by_priority()

    def proposals(self):
        """The session's assignments awaiting the IA-DASEN's pronouncement."""
        return self.decisions.proposals()


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

    def proposals(self):
        """Assignments proposed by the commission, not yet pronounced nor declined."""
        return self.filter(
            outcome=DecisionOutcome.AFFECTE, pronounced_at__isnull=True, withdrawn_at__isnull=True
        )


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
    # Only the IA-DASEN, by delegation of the recteur, pronounces an assignment (§4.5).
    pronounced_at = models.DateTimeField("affectation prononcée le", null=True, blank=True)
    pronounced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="prononcée par",
    )

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
            models.CheckConstraint(
                condition=Q(pronounced_at__isnull=True)
                | (Q(outcome=DecisionOutcome.AFFECTE) & Q(pronounced_by__isnull=False)),
                name="decision_only_assignments_are_pronounced",
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
        """A pronounced assignment still standing (not declined by the family)."""
        return (
            self.outcome == DecisionOutcome.AFFECTE
            and self.pronounced_at is not None
            and self.withdrawn_at is None
        )

    @property
    def is_proposal(self) -> bool:
        """An assignment the commission proposed, awaiting the IA-DASEN's pronouncement."""
        return (
            self.outcome == DecisionOutcome.AFFECTE
            and self.pronounced_at is None
            and self.withdrawn_at is None
        )

    @property
    def summary(self) -> str:
        if self.outcome == DecisionOutcome.AFFECTE:
            where = f"{self.capacity.school.name} — {self.capacity.formation}"
            if self.pronounced_at is None:
                text = f"Affectation proposée : {where} (prononcé de l'IA-DASEN attendu)"
            else:
                text = f"Affecté : {where}"
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


class DelegationQuerySet(models.QuerySet):
    def active(self, today=None):
        today = today or timezone.localdate()
        return self.filter(valid_from__lte=today).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )


class PronouncementDelegation(models.Model):
    """A person the IA-DASEN of a département delegates the pronouncement of assignments to
    (domain.md §4.5: the recteur, by delegation the IA-DASEN, pronounces). Edited by an
    administrator; history kept."""

    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="département",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pronouncement_delegations",
        verbose_name="délégataire",
        help_text="Un compte qui tient un rôle de la commission (IEN-IO, membre) dans ce "
        "département.",
    )
    quality = models.CharField(
        "qualité",
        max_length=160,
        help_text="Par exemple : IEN-IO, adjoint à l'IA-DASEN, secrétaire général de la DSDEN.",
    )
    act_reference = models.CharField(
        "arrêté de délégation", max_length=200, blank=True, help_text="Référence et date."
    )
    valid_from = models.DateField("à partir du")
    valid_until = models.DateField("jusqu'au (inclus)", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = "délégation du prononcé des affectations"
        verbose_name_plural = "délégations du prononcé des affectations"
        ordering = ["departement__code", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="delegation_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["departement", "delegate", "valid_from"], name="delegation_once"
            ),
        ]

    def __str__(self):
        return f"{self.delegate} ({self.quality}) — {self.departement}"

    def clean(self):
        errors = {}
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = "La fin de la délégation ne peut pas précéder son début."
        if self.delegate_id and self.departement_id:
            holds = self.delegate.role_assignments.filter(
                role__in=COMMISSION_ROLES, departement_id=self.departement_id
            ).exists()
            if not holds:
                errors["delegate"] = (
                    "Ce compte n'a aucun rôle de la commission d'affectation dans ce "
                    "département : donnez-lui d'abord un rôle (IEN-IO, membre de la commission)."
                )
        if errors:
            raise ValidationError(errors)


def can_pronounce(user, departement_id, today=None) -> bool:
    """The IA-DASEN of the département, or a delegate named for it on `today`, acting in a
    commission role of that département."""
    role = getattr(user, "active_role", None)
    if role is None or not role.is_nominative or role.departement_id != departement_id:
        return False
    if role.role == Role.IA_DASEN:
        return True
    if role.role not in COMMISSION_ROLES:
        return False
    return (
        PronouncementDelegation.objects.active(today)
        .filter(delegate=user, departement_id=departement_id)
        .exists()
    )


def who_pronounces(departement_id, today=None) -> list[str]:
    """Names shown on the docket: the IA-DASEN accounts, then the delegates in force."""
    from accounts.models import RoleAssignment

    dasen = [
        f"{ra.user} (IA-DASEN)"
        for ra in RoleAssignment.objects.filter(
            role=Role.IA_DASEN, departement_id=departement_id, user__is_active=True
        ).select_related("user")
    ]
    delegates = [
        f"{d.delegate} ({d.quality}, par délégation)"
        for d in PronouncementDelegation.objects.active(today)
        .filter(departement_id=departement_id)
        .select_related("delegate")
    ]
    return dasen + delegates
