"""MLDS follow-up of a young person aged 16 to 24 (domain.md §4.15), from signal to closure."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.roles import MLDS_DEPARTEMENT_READ_ROLES, MLDS_WRITE_ROLES, SCHOOL_ROLES, active_role
from workflows.models import TransitionLog

from .. import conf, rules
from ..enums import (
    SOLUTION_PARTNER_TYPES,
    ClosureReason,
    ContactChannel,
    FollowUpOutcome,
    FollowUpSource,
    FollowUpStatus,
    SolutionType,
)
from ..workflow import FOLLOW_UP_WORKFLOW
from .base import TransitionMixin, departement_q

S = FollowUpStatus
OPEN_STATUSES = [s for s in S if s != S.CLOS]
IN_SOLUTION = [S.EN_SOLUTION, S.SUIVI_TRANSITION]

# The one table of allowed moves. Closing is allowed from every open state (refusal,
# moving away, age 25…), provided the outcome is recorded.
TRANSITIONS = {
    S.SIGNALE: {S.CONTACTE, S.INJOIGNABLE, S.CLOS},
    S.INJOIGNABLE: {S.CONTACTE, S.CLOS},
    S.CONTACTE: {S.BILAN, S.CLOS},
    S.BILAN: {S.SOLUTION_PROPOSEE, S.CLOS},
    S.SOLUTION_PROPOSEE: {S.EN_SOLUTION, S.BILAN, S.CLOS},
    S.EN_SOLUTION: {S.SUIVI_TRANSITION, S.BILAN, S.CLOS},
    S.SUIVI_TRANSITION: {S.BILAN, S.CLOS},
    S.CLOS: set(),
}


def _refuse(message: str):
    raise ValidationError(message)


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Follow-ups the active role may read.

        Département roles (coordinator, IA-DASEN, IEN-IO, administrator): their département(s).
        Directeur de CIO: young people whose last school is in the bassin.
        School roles: the follow-ups their school originated (signal, hand-over).
        Anyone else, and the aggregate-only pilot: nothing.
        """
        role = active_role(user, nominative=True)
        if role is None:
            return self.none()
        if role.role in MLDS_DEPARTEMENT_READ_ROLES:
            return self.filter(departement_q(role))
        if role.role == Role.DIRECTEUR_CIO:
            return self.filter(role.school_q("last_school__"))
        if role.role in SCHOOL_ROLES:
            return self.filter(role.school_q("origin_school__"))
        return self.none()

    def writable_by(self, user):
        role = active_role(user, nominative=True)
        if role is None or role.role not in MLDS_WRITE_ROLES:
            return self.none()
        return self.filter(departement_q(role))

    def open(self):
        return self.exclude(status=S.CLOS)

    def overdue(self, today: dt.date):
        """Open follow-ups past one of their deadlines, or whose young person turned 25."""
        age_limit = rules.birthday(today, -rules.FOLLOW_UP_END_AGE())
        return self.open().filter(
            Q(status__in=[S.SIGNALE, S.INJOIGNABLE], contact_due_on__lt=today)
            | Q(status=S.CONTACTE, bilan_due_on__lt=today)
            | Q(status__in=IN_SOLUTION, transition_end_on__lt=today, outcome="")
            | Q(student__birth_date__lte=age_limit)
        )

    def with_next_due(self):
        """`next_due`: the date the follow-up's current step is due (first contact, bilan,
        end of the joint transition), null when nothing is waiting on a date."""
        return self.annotate(
            next_due=Case(
                When(status__in=[S.SIGNALE, S.INJOIGNABLE], then=F("contact_due_on")),
                When(status=S.CONTACTE, then=F("bilan_due_on")),
                When(status__in=IN_SOLUTION, outcome="", then=F("transition_end_on")),
                default=None,
                output_field=models.DateField(),
            )
        )

    def by_urgency(self):
        """Overdue first, then the nearest deadline; follow-ups waiting on nothing last."""
        return self.with_next_due().order_by(
            F("next_due").asc(nulls_last=True), "signaled_on", "id"
        )

    def windows_ending_in(self, today: dt.date):
        """Solutions whose 4-month joint follow-up window ends in the month of `today`."""
        first = today.replace(day=1)
        last = rules.add_months(first, 1) - dt.timedelta(days=1)
        return self.open().filter(
            status__in=IN_SOLUTION, transition_end_on__gte=first, transition_end_on__lte=last
        )

    def aged_out(self, today: dt.date):
        return self.open().filter(
            student__birth_date__lte=rules.birthday(today, -rules.FOLLOW_UP_END_AGE())
        )


class FollowUp(TransitionMixin, models.Model):
    """One young person followed by the MLDS: signal, contact, bilan, solution, transition."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="mlds_follow_ups",
        verbose_name="jeune",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="département",
    )
    source = models.CharField("origine", max_length=30, choices=FollowUpSource.choices)
    status = models.CharField(
        "étape", max_length=20, choices=FollowUpStatus.choices, default=S.SIGNALE
    )
    # Where the young person comes from and who handed them over.
    last_school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="dernier établissement",
    )
    origin_school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="établissement à l'origine du signalement",
    )
    origin_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin_label = models.CharField("dossier d'origine", max_length=250, blank=True)
    signal_note = models.TextField("motif du signalement", blank=True)
    last_training = models.CharField("dernière formation suivie", max_length=200, blank=True)
    left_on = models.DateField("date de sortie de formation", null=True, blank=True)
    siei_import = models.ForeignKey(
        "mlds.SieiImport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name="liste SIEI",
    )
    signaled_on = models.DateField("signalé le")
    # Assignment.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mlds_follow_ups",
        verbose_name="coordonnateur",
    )
    paqi_site = models.ForeignKey(
        "mlds.PaqiSite",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        verbose_name="site PAQI",
    )
    # Contact and temps de bilan.
    contact_due_on = models.DateField("premier contact attendu le")
    contacted_on = models.DateField("premier contact le", null=True, blank=True)
    bilan_due_on = models.DateField("temps de bilan attendu le", null=True, blank=True)
    bilan_on = models.DateField("temps de bilan le", null=True, blank=True)
    bilan_situation = models.TextField("situation", blank=True)
    bilan_wishes = models.TextField("souhaits", blank=True)
    bilan_obstacles = models.TextField("freins", blank=True)
    # Solution.
    solution_type = models.CharField(
        "solution", max_length=30, choices=SolutionType.choices, blank=True
    )
    solution_partner = models.ForeignKey(
        "territories.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name="structure partenaire",
    )
    solution_school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établissement d'accueil",
    )
    solution_detail = models.CharField("précisions", max_length=250, blank=True)
    solution_proposed_on = models.DateField("solution proposée le", null=True, blank=True)
    solution_start_on = models.DateField("entrée en solution le", null=True, blank=True)
    transition_end_on = models.DateField("fin du suivi conjoint", null=True, blank=True)
    # Outcome and closure.
    outcome = models.CharField("issue", max_length=30, choices=FollowUpOutcome.choices, blank=True)
    outcome_note = models.TextField("précisions sur l'issue", blank=True)
    outcome_on = models.DateField("issue constatée le", null=True, blank=True)
    closure_reason = models.CharField(
        "motif de clôture", max_length=30, choices=ClosureReason.choices, blank=True
    )
    closed_on = models.DateField("clos le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    objects = FollowUpQuerySet.as_manager()
    log_fk = "follow_up"
    workflow = FOLLOW_UP_WORKFLOW

    class Meta:
        verbose_name = "suivi MLDS"
        verbose_name_plural = "suivis MLDS"
        ordering = ["-signaled_on", "-id"]
        indexes = [
            models.Index(fields=["departement", "status"]),
            models.Index(fields=["assigned_to", "status"]),
            models.Index(fields=["transition_end_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=~Q(status="clos"),
                name="mlds_one_open_follow_up_per_student",
            ),
            models.CheckConstraint(
                condition=~Q(status="clos")
                | (~Q(closure_reason="") & ~Q(outcome="") & Q(closed_on__isnull=False)),
                name="mlds_closed_has_reason_and_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["solution_proposee", "en_solution", "suivi_transition"])
                | ~Q(solution_type=""),
                name="mlds_solution_status_has_solution",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["en_solution", "suivi_transition"])
                | Q(solution_start_on__isnull=False, transition_end_on__isnull=False),
                name="mlds_in_solution_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["bilan", "solution_proposee"]) | Q(bilan_on__isnull=False),
                name="mlds_bilan_status_has_bilan",
            ),
        ]

    def __str__(self):
        return f"Suivi MLDS de {self.student}"

    def get_absolute_url(self):
        return reverse("mlds:follow_up_detail", args=[self.public_id])

    @property
    def log_model(self):
        return FollowUpLog

    # --- Questions the pages ask --------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status != S.CLOS

    def allowed_targets(self) -> set[str]:
        return TRANSITIONS[S(self.status)]

    def age_on(self, day: dt.date) -> int:
        return self.student.age_on(day)

    def age_limit_reached(self, today: dt.date) -> bool:
        """True from the 25th birthday: the follow-up must be closed ("25 ans atteints")."""
        return self.student.age_on(today) >= rules.FOLLOW_UP_END_AGE()

    @property
    def end_of_follow_up_on(self) -> dt.date:
        return rules.birthday(self.student.birth_date, rules.FOLLOW_UP_END_AGE())

    def needs_partner(self) -> bool:
        return self.solution_type in SOLUTION_PARTNER_TYPES

    # --- Transitions ---------------------------------------------------------------------
    def _guard(self, target):
        if target not in self.allowed_targets():
            if self.status == S.CLOS:
                _refuse("Ce suivi est clos : ouvrez un nouveau suivi si le jeune revient.")
            _refuse(
                f"Impossible de passer de l'étape « {self.get_status_display()} » "
                f"à « {S(target).label} »."
            )

    def _guard_open(self):
        if self.status == S.CLOS:
            _refuse("Ce suivi est clos : ouvrez un nouveau suivi si le jeune revient.")

    @staticmethod
    def _guard_not_future(day: dt.date, what: str):
        if day > timezone.localdate():
            _refuse(f"La date {what} ne peut pas être dans le futur.")

    def assign(self, *, by, coordinator=None, paqi_site=None, expected_version=None):
        from accounts.models import RoleAssignment

        self._guard_open()
        if (
            coordinator is not None
            and not RoleAssignment.objects.filter(
                user=coordinator, role=Role.COORDONNATEUR_MLDS, departement_id=self.departement_id
            ).exists()
        ):
            _refuse(f"{coordinator} n'est pas coordonnateur MLDS de ce département.")
        if paqi_site is not None and paqi_site.departement_id != self.departement_id:
            _refuse("Ce site PAQI n'est pas dans le département du suivi.")
        self.assigned_to = coordinator
        self.paqi_site = paqi_site
        parts = [f"coordonnateur : {coordinator or 'aucun'}"]
        if paqi_site:
            parts.append(f"site PAQI : {paqi_site}")
        self._commit(
            "attribuer",
            by=by,
            comment="Attribution — " + ", ".join(parts),
            fields=["assigned_to", "paqi_site"],
            expected_version=expected_version,
        )

    def record_contact(
        self, *, by, on, channel, reached: bool, note="", expected_version=None
    ) -> "ContactAttempt":
        self._guard_open()
        self._guard_not_future(on, "du contact")
        if on < self.signaled_on:
            _refuse("Le contact ne peut pas précéder le signalement.")
        if channel not in ContactChannel.values:
            _refuse("Canal de contact inconnu.")
        fields = []
        target = None
        if self.status in (S.SIGNALE, S.INJOIGNABLE):
            target = S.CONTACTE if reached else S.INJOIGNABLE
        if reached and self.contacted_on is None:
            self.contacted_on = on
            self.bilan_due_on = on + dt.timedelta(days=conf.bilan_days())
            fields += ["contacted_on", "bilan_due_on"]
        label = "joint" if reached else "non joint"
        comment = f"Contact ({ContactChannel(channel).label}, {label})" + (
            f" : {note}" if note else ""
        )
        with transaction.atomic():
            self._commit(
                "contact",
                by=by,
                to=target,
                comment=comment,
                fields=fields,
                expected_version=expected_version,
            )
            return ContactAttempt.objects.create(
                follow_up=self, on=on, channel=channel, reached=reached, note=note, by=by
            )

    def record_bilan(self, *, by, on, situation, wishes="", obstacles="", expected_version=None):
        if self.status not in (S.CONTACTE, S.BILAN):
            self._guard_open()
            _refuse(
                "Le temps de bilan suit un premier contact réussi, ou la rupture d'une solution."
            )
        if not (situation or "").strip():
            _refuse("Décrivez la situation du jeune pour enregistrer le temps de bilan.")
        self._guard_not_future(on, "du bilan")
        if self.contacted_on and on < self.contacted_on:
            _refuse("Le temps de bilan ne peut pas précéder le premier contact.")
        self.bilan_on = on
        self.bilan_situation = situation
        self.bilan_wishes = wishes
        self.bilan_obstacles = obstacles
        self._commit(
            "bilan",
            by=by,
            to=S.BILAN,
            comment="Temps de bilan",
            fields=["bilan_on", "bilan_situation", "bilan_wishes", "bilan_obstacles"],
            expected_version=expected_version,
        )

    def propose_solution(
        self,
        *,
        by,
        solution_type,
        partner=None,
        school=None,
        detail="",
        on=None,
        expected_version=None,
    ):
        self._guard(S.SOLUTION_PROPOSEE)
        on = on or timezone.localdate()
        if solution_type not in SolutionType.values:
            _refuse("Type de solution inconnu.")
        wanted = SOLUTION_PARTNER_TYPES.get(solution_type)
        label = SolutionType(solution_type).label
        if wanted:
            if partner is None:
                _refuse(f"La solution « {label} » demande une structure partenaire.")
            if partner.partner_type not in wanted:
                _refuse(
                    f"{partner.name} ({partner.get_partner_type_display()}) ne peut pas porter "
                    f"la solution « {label} »."
                )
            if not partner.is_active:
                _refuse(f"{partner.name} n'est plus active dans l'annuaire.")
        if solution_type == SolutionType.RETOUR_FORMATION_INITIALE and school is None:
            _refuse("Un retour en formation initiale demande l'établissement d'accueil.")
        if solution_type == SolutionType.MODULE_PAQI and self.paqi_site_id is None:
            _refuse("Rattachez d'abord le suivi à un site PAQI pour proposer un module PAQI.")
        self.solution_type = solution_type
        self.solution_partner = partner
        self.solution_school = school
        self.solution_detail = detail
        self.solution_proposed_on = on
        where = partner or school or self.paqi_site
        self._commit(
            "proposer",
            by=by,
            to=S.SOLUTION_PROPOSEE,
            comment=f"Solution proposée : {label}" + (f" ({where})" if where else ""),
            fields=[
                "solution_type",
                "solution_partner",
                "solution_school",
                "solution_detail",
                "solution_proposed_on",
            ],
            expected_version=expected_version,
        )

    def _clear_solution(self):
        self.solution_type = ""
        self.solution_partner = None
        self.solution_school = None
        self.solution_detail = ""
        self.solution_proposed_on = None
        self.solution_start_on = None
        self.transition_end_on = None
        self.outcome = ""
        self.outcome_note = ""
        self.outcome_on = None
        return [
            "solution_type",
            "solution_partner",
            "solution_school",
            "solution_detail",
            "solution_proposed_on",
            "solution_start_on",
            "transition_end_on",
            "outcome",
            "outcome_note",
            "outcome_on",
        ]

    def decline_solution(self, *, by, comment="", expected_version=None):
        if self.status != S.SOLUTION_PROPOSEE:
            self._guard_open()
            _refuse("Aucune solution n'est en attente de réponse.")
        label = self.get_solution_type_display()
        fields = self._clear_solution()
        self._commit(
            "decliner",
            by=by,
            to=S.BILAN,
            comment=f"Solution « {label} » déclinée" + (f" : {comment}" if comment else ""),
            fields=fields,
            expected_version=expected_version,
        )

    def take_solution(self, *, by, start_on, expected_version=None):
        self._guard(S.EN_SOLUTION)
        if self.solution_proposed_on and start_on < self.solution_proposed_on:
            _refuse("L'entrée en solution ne peut pas précéder la proposition.")
        self.solution_start_on = start_on
        self.transition_end_on = rules.add_months(
            start_on, rules.TRANSITION_WINDOW_MONTHS()
        ) - dt.timedelta(days=1)
        self._commit(
            "entree",
            by=by,
            to=S.EN_SOLUTION,
            comment=f"Entrée en solution le {start_on:%d/%m/%Y} : "
            f"{self.get_solution_type_display()}",
            fields=["solution_start_on", "transition_end_on"],
            expected_version=expected_version,
        )

    def record_joint_review(
        self, *, by, on, note, is_holding=True, partner=None, expected_version=None
    ) -> "JointReview":
        if self.status not in IN_SOLUTION:
            self._guard_open()
            _refuse("Le suivi conjoint commence une fois le jeune entré en solution.")
        self._guard_not_future(on, "du point de suivi")
        if on < self.solution_start_on:
            _refuse("Le point de suivi ne peut pas précéder l'entrée en solution.")
        partner = partner or self.solution_partner
        target = S.SUIVI_TRANSITION if self.status == S.EN_SOLUTION else None
        state = "solution tenue" if is_holding else "solution fragile"
        with transaction.atomic():
            self._commit(
                "point",
                by=by,
                to=target,
                comment=f"Point de suivi conjoint ({state})"
                + (f" avec {partner.name}" if partner else ""),
                expected_version=expected_version,
            )
            return JointReview.objects.create(
                follow_up=self, on=on, partner=partner, note=note, is_holding=is_holding, by=by
            )

    def report_rupture(self, *, by, comment, expected_version=None):
        if self.status not in IN_SOLUTION:
            self._guard_open()
            _refuse("Seule une solution en cours peut être interrompue.")
        if not (comment or "").strip():
            _refuse("Indiquez ce qui s'est passé pour enregistrer la rupture.")
        label = self.get_solution_type_display()
        fields = self._clear_solution()
        self._commit(
            "rupture",
            by=by,
            to=S.BILAN,
            comment=f"Rupture de la solution « {label} » : {comment}",
            fields=fields,
            expected_version=expected_version,
        )

    def record_outcome(self, *, by, outcome, note="", on=None, expected_version=None):
        self._guard_open()
        if outcome not in FollowUpOutcome.values:
            _refuse("Choisissez l'issue du suivi.")
        self.outcome = outcome
        self.outcome_note = note
        self.outcome_on = on or timezone.localdate()
        self._commit(
            "issue",
            by=by,
            comment=f"Issue enregistrée : {FollowUpOutcome(outcome).label}",
            fields=["outcome", "outcome_note", "outcome_on"],
            expected_version=expected_version,
        )

    def close(self, *, by, reason, comment="", today=None, expected_version=None):
        """Close with a reason. Refused while the outcome (where the young person is) is unknown."""
        self._guard(S.CLOS)
        today = today or timezone.localdate()
        if reason not in ClosureReason.values:
            _refuse("Choisissez le motif de clôture.")
        if not self.outcome:
            _refuse(
                "Enregistrez d'abord l'issue du suivi (situation du jeune) : "
                "un suivi ne se clôt qu'une fois l'issue connue."
            )
        if reason == ClosureReason.SOLUTION_CONSOLIDEE and self.status not in IN_SOLUTION:
            _refuse("Une solution ne peut être dite consolidée que si le jeune y est entré.")
        if reason == ClosureReason.AGE_25 and not self.age_limit_reached(today):
            _refuse(
                f"Le jeune n'aura {rules.FOLLOW_UP_END_AGE()} ans que le "
                f"{self.end_of_follow_up_on:%d/%m/%Y} : choisissez un autre motif."
            )
        self.closure_reason = reason
        self.closed_on = today
        self._commit(
            "clore",
            by=by,
            to=S.CLOS,
            comment=f"Clôture : {ClosureReason(reason).label}"
            + (f" — {comment}" if comment else ""),
            fields=["closure_reason", "closed_on"],
            expected_version=expected_version,
        )

    # --- Deadlines -----------------------------------------------------------------------
    def deadline_specs(self):
        from notifications.services import DeadlineSpec
        from students.enums import AgeEvent

        from ..enums import MldsDeadline

        closed = self.status == S.CLOS
        common = {
            "url": self.get_absolute_url(),
            "student_id": self.student_id,
            "departement_id": self.departement_id,
            "assignee_id": self.assigned_to_id,
        }
        who = str(self.student)
        specs = [
            DeadlineSpec(
                kind=MldsDeadline.MLDS_CONTACT,
                due_date=self.contact_due_on,
                label=f"Premier contact MLDS avec {who}",
                done=closed or self.contacted_on is not None,
                **common,
            )
        ]
        if self.bilan_due_on:
            specs.append(
                DeadlineSpec(
                    kind=MldsDeadline.MLDS_BILAN,
                    due_date=self.bilan_due_on,
                    label=f"Temps de bilan MLDS de {who}",
                    done=closed or self.bilan_on is not None,
                    **common,
                )
            )
        if self.transition_end_on:
            specs.append(
                DeadlineSpec(
                    kind=MldsDeadline.MLDS_TRANSITION,
                    due_date=self.transition_end_on,
                    label=f"Fin du suivi conjoint de {who} : enregistrer l'issue",
                    done=closed or bool(self.outcome),
                    **common,
                )
            )
        specs.append(
            DeadlineSpec(
                kind=AgeEvent.AGE_25,
                due_date=self.end_of_follow_up_on,
                label=f"{who} a {rules.FOLLOW_UP_END_AGE()} ans : clore le suivi MLDS",
                done=closed,
                **common,
            )
        )
        return specs

    def sync_deadlines(self):
        from notifications.services import sync_deadlines

        sync_deadlines(subject=self, specs=self.deadline_specs())


class FollowUpLog(TransitionLog):
    """History of a follow-up: every transition and event (who, when, from, to, comment)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="logs")
    from_state = models.CharField("de", max_length=20, choices=FollowUpStatus.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=FollowUpStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "historique du suivi"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y} {self.from_state} → {self.to_state}"


class ContactAttempt(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField("date")
    channel = models.CharField("canal", max_length=20, choices=ContactChannel.choices)
    reached = models.BooleanField("jeune joint")
    note = models.TextField("notes", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tentative de contact"
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.on:%d/%m/%Y} {self.get_channel_display()}"


class JointReview(models.Model):
    """A point of the joint follow-up of the first weeks of a solution with the partner."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reviews")
    on = models.DateField("date")
    partner = models.ForeignKey(
        "territories.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="avec la structure",
    )
    is_holding = models.BooleanField("la solution tient", default=True)
    note = models.TextField("compte rendu")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "point de suivi conjoint"
        verbose_name_plural = "points de suivi conjoint"
        ordering = ["on", "id"]

    def __str__(self):
        return f"Suivi conjoint du {self.on:%d/%m/%Y}"
