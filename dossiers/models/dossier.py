"""The re-preparation dossier of an ajourné, its timeline, trail, entretien and planner.

Seed 000 (instruction DRAIO Créteil, 3 July 2025) and domain.md §4.1–4.6, §5.
"""

import datetime as dt
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import (
    COMMISSION_MEMBER_ROLES,
    COMMISSION_ROLES,
    DOSSIER_ACTING_ROLES,
    DOSSIER_READ_ROLES,
    MLDS_ROLES,
)
from notifications import calendar
from notifications.models import Deadline
from notifications.services import DeadlineSpec, sync_deadlines

from .. import rules
from ..enums import (
    BEFORE_DECISION_STATES,
    NEXT_STEP,
    NO_ENTRETIEN_STATES,
    STAGE_BADGE,
    STAGE_OF_STATE,
    Channel,
    DecisionOutcome,
    DossierDeadline,
    DossierState,
    OtherRoute,
    PlanChoiceKind,
    TrailKind,
    Wish,
)
from ..workflow import DOSSIER_WORKFLOW, TRANSITIONS
from .results import ExamResult, normalize_specialty
from .trail import Entretien, ExamRegistration, PlanChoice, RightUse

S = DossierState


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Dossiers whose school of origin lies in the active scope, and, for the commission
        roles, the dossiers transmitted to their département's commission from elsewhere
        (circulaire 2017-066: a reasoned request for a school of another département).

        The MLDS coordinator sees only the département's pupils without solution; the
        aggregate-only pilot and roles outside re-preparation see nothing.
        """
        role = getattr(user, "active_role", None)
        if role is None or not role.is_nominative or role.role not in DOSSIER_READ_ROLES:
            return self.none()
        q = role.school_q("school__")
        if role.role in COMMISSION_ROLES:
            q |= Q(commission_departement_id__in=role.departement_ids())
        qs = self.filter(q)
        if role.role in MLDS_ROLES:
            qs = qs.filter(state=S.SANS_SOLUTION)
        elif role.role in COMMISSION_MEMBER_ROLES:
            # Data minimisation: the commission reads the dossiers submitted to it only.
            qs = qs.filter(transmitted_on__isnull=False)
        return qs

    def writable_by(self, user):
        """Dossiers the active role acts on (its reminders can be suspended): the visible ones,
        for the roles that carry a step (school, commission, MLDS hand-over); the directeur
        de CIO and the administrator only read."""
        role = getattr(user, "active_role", None)
        if role is None or role.role not in DOSSIER_ACTING_ROLES:
            return self.none()
        return self.visible_to(user)

    def on_docket_of(self, departement_ids):
        """Dossiers awaiting the commission of these départements (the requested school's)."""
        return self.filter(
            state=S.TRANSMIS_COMMISSION, commission_departement_id__in=departement_ids
        )

    def by_priority(self):
        """Furthest from success first (rules.PRIORITY_RULE_TEXT)."""
        return self.order_by(
            models.F("average").asc(nulls_first=True),
            "-below_ten_count",
            "student__last_name",
            "student__first_name",
            "id",
        )

    def _overdue_q(self, today):
        deadlines = Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(RepreparationDossier),
            object_id=OuterRef("pk"),
            completed_at__isnull=True,
            due_date__lt=today,
        )
        return Exists(deadlines)

    def with_overdue(self, today):
        return self.annotate(is_overdue=self._overdue_q(today))

    def overdue(self, today):
        """Dossiers with at least one open deadline past its due date."""
        return self.filter(self._overdue_q(today))

    def without_entretien_after(self, today, days: int):
        return self.filter(
            state__in=NO_ENTRETIEN_STATES, opened_on__lt=today - dt.timedelta(days=days)
        )


class RepreparationDossier(models.Model):
    """The re-preparation dossier of one ajourné for one exam session (seed 000)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="repreparation_dossiers",
        verbose_name="élève",
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="repreparation_dossiers",
        verbose_name="établissement d'origine",
    )
    exam_result = models.OneToOneField(
        ExamResult, on_delete=models.PROTECT, related_name="dossier", verbose_name="résultat"
    )
    opened_on = models.DateField("ouvert le (jour des résultats)")
    state = models.CharField(
        "état", max_length=30, choices=DossierState.choices, default=S.REMIS, db_index=True
    )
    # Priority (rules.PRIORITY_RULE_TEXT), copied from the result so lists sort in SQL.
    average = models.DecimalField("moyenne générale", max_digits=4, decimal_places=2, null=True)
    below_ten_count = models.PositiveSmallIntegerField("épreuves sous 10/20", default=0)
    entretien_planned_on = models.DateField("entretien prévu le", null=True, blank=True)
    wish = models.CharField("souhait", max_length=20, choices=Wish.choices, blank=True)
    other_route = models.CharField(
        "autre voie", max_length=20, choices=OtherRoute.choices, blank=True
    )
    wish_note = models.TextField("précisions sur le souhait", blank=True)
    impossibility_reason = models.TextField(
        "motif d'impossibilité dans l'établissement d'origine", blank=True
    )
    proposed_school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établissement de proximité proposé",
    )
    requested_formation = models.CharField("formation demandée", max_length=160, blank=True)
    request_reason = models.TextField(
        "motif de la demande",
        blank=True,
        help_text="Obligatoire pour un lycée d'un autre département (circulaire 2017-066).",
    )
    # The commission that examines the request: the département of the requested school.
    commission_departement = models.ForeignKey(
        "territories.Departement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="commission d'affectation saisie (département)",
    )
    transmitted_on = models.DateField("transmis à la commission le", null=True, blank=True)
    decided_on = models.DateField("décision le", null=True, blank=True)
    family_informed_on = models.DateField("famille informée le", null=True, blank=True)
    family_informed_channel = models.CharField(
        "moyen d'information", max_length=20, choices=Channel.choices, blank=True
    )
    enrolled_school = models.ForeignKey(
        "territories.Etablissement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établissement d'inscription à la rentrée",
    )
    enrolled_on = models.DateField("inscrit le", null=True, blank=True)
    without_solution_on = models.DateField("sans solution depuis le", null=True, blank=True)
    mlds_transmitted_at = models.DateTimeField("transmis à la MLDS le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de re-préparation"
        verbose_name_plural = "dossiers de re-préparation"
        ordering = ["-opened_on", "id"]
        indexes = [
            models.Index(fields=["school", "state"]),
            models.Index(fields=["school", "average", "below_ten_count"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=S.SOUHAIT_EXPRIME) | ~Q(wish=""),
                name="dossier_wish_when_expressed",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.TRANSMIS_COMMISSION)
                | Q(transmitted_on__isnull=False, proposed_school__isnull=False),
                name="dossier_transmitted_has_school_and_date",
            ),
            models.CheckConstraint(
                condition=Q(transmitted_on__isnull=True) | Q(commission_departement__isnull=False),
                name="dossier_transmitted_names_its_commission",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.INSCRIT_RENTREE) | Q(enrolled_school__isnull=False),
                name="dossier_enrolled_has_school",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.FAMILLE_INFORMEE) | Q(family_informed_on__isnull=False),
                name="dossier_family_informed_has_date",
            ),
        ]

    def __str__(self):
        return f"Dossier {self.student} — {self.exam_result.exam_label} {self.session_year}"

    def get_absolute_url(self):
        return reverse("dossiers:detail", args=[self.public_id])

    # --- derived values -------------------------------------------------------------------
    @property
    def session_year(self) -> int:
        return self.opened_on.year

    @property
    def next_step(self) -> str:
        return NEXT_STEP[DossierState(self.state)]

    @property
    def stage(self):
        return STAGE_OF_STATE[DossierState(self.state)]

    @property
    def stage_badge(self) -> str:
        """The DSFR badge colour of the dossier's stage (entretien, décision, décidé…)."""
        return STAGE_BADGE[self.stage]

    @property
    def entretien_due_on(self) -> dt.date:
        return self.opened_on + dt.timedelta(days=rules.ENTRETIEN_DAYS())

    @property
    def decision_due_on(self) -> dt.date:
        return max(dt.date(self.session_year, *rules.DECISION_DAY()), self.entretien_due_on)

    @property
    def academie_id(self) -> int | None:
        return calendar.academie_of(self.school.departement_id)

    @property
    def rentree(self) -> dt.date:
        """The rentrée that follows the failure, from the académie's calendar."""
        return calendar.rentree(self.academie_id, self.session_year)

    @property
    def right_end(self) -> dt.date:
        """Last day the D.331-61 right may be used: the rentrée right after the failure."""
        return self.rentree + dt.timedelta(days=rules.RIGHT_GRACE_DAYS())

    @property
    def sweep_on(self) -> dt.date:
        """The "sans solution" sweep before that rentrée (calendar date, else a week before)."""
        return calendar.sans_solution_sweep_date(self.academie_id, self.session_year)

    @property
    def is_cross_departement(self) -> bool:
        """Transmitted to the commission of another département than the school's."""
        return bool(
            self.commission_departement_id
            and self.commission_departement_id != self.school.departement_id
        )

    @property
    def decided_school(self):
        decision = getattr(self, "decision", None)
        if decision is not None:
            # A transmitted re-enrolment request (impossible at the origin) ends here too.
            return decision.capacity.school if decision.is_assignment else None
        if self.state == S.REINSCRIT or self.wish == Wish.REINSCRIPTION_ORIGINE and self.decided_on:
            return self.school
        return None

    def deadline_specs(self) -> list[DeadlineSpec]:
        url = self.get_absolute_url()
        who = f"{self.student.last_name.upper()} {self.student.first_name}"
        common = {
            "url": url,
            "student_id": self.student_id,
            "school_id": self.school_id,
            "departement_id": self.school.departement_id,
        }
        closed = self.state in (S.INSCRIT_RENTREE, S.SANS_SOLUTION)
        specs = [
            DeadlineSpec(
                kind=DossierDeadline.ENTRETIEN_SITUATION,
                due_date=self.entretien_due_on,
                label=f"Entretien de situation — {who}",
                done=self.state not in NO_ENTRETIEN_STATES,
                **common,
            ),
            DeadlineSpec(
                kind=DossierDeadline.DECISION_REINSCRIPTION,
                due_date=self.decision_due_on,
                label=f"Décision de réinscription — {who}",
                done=self.state not in BEFORE_DECISION_STATES,
                **common,
            ),
            DeadlineSpec(
                kind=DossierDeadline.REPREPARATION_RIGHT_END,
                due_date=self.right_end,
                label=f"Fin du droit à la re-préparation (D.331-61) — {who}",
                done=self.state
                not in (*BEFORE_DECISION_STATES, S.TRANSMIS_COMMISSION, S.PROPOSITION_AFFECTATION),
                **common,
            ),
            DeadlineSpec(
                kind=DossierDeadline.SANS_SOLUTION_SWEEP,
                due_date=self.sweep_on,
                label=f"Solution à confirmer avant la rentrée — {who}",
                done=closed,
                **common,
            ),
        ]
        if self.transmitted_on:
            # The commission's own obligation, up to the pronouncement: it goes to the
            # commission of the requested school's département, not to the school.
            specs.append(
                DeadlineSpec(
                    kind=DossierDeadline.COMMISSION_SESSION,
                    due_date=self.transmitted_on + dt.timedelta(days=rules.COMMISSION_DAYS()),
                    label=f"Décision de la commission et prononcé de l'affectation — {who}",
                    done=self.state not in (S.TRANSMIS_COMMISSION, S.PROPOSITION_AFFECTATION),
                    url=url,
                    student_id=self.student_id,
                    school_id=None,
                    departement_id=self.commission_departement_id or self.school.departement_id,
                )
            )
        if self.decided_on:
            specs.append(
                DeadlineSpec(
                    kind=DossierDeadline.FAMILY_INFORMED,
                    due_date=self.decided_on + dt.timedelta(days=rules.FAMILY_INFORMED_DAYS()),
                    label=f"Informer la famille de la décision — {who}",
                    done=self.family_informed_on is not None or self.state == S.SANS_SOLUTION,
                    **common,
                )
            )
        return specs

    def pending_deadlines(self, today) -> list[dict]:
        """Open deadlines with an overdue flag, computed without a query."""
        rows = []
        for spec in self.deadline_specs():
            if spec.done:
                continue
            rows.append(
                {
                    "kind": spec.kind,
                    "label": DossierDeadline(spec.kind).label,
                    "due_date": spec.due_date,
                    "overdue": spec.due_date < today,
                }
            )
        return sorted(rows, key=lambda r: r["due_date"])

    def next_deadline(self, today):
        rows = self.pending_deadlines(today)
        return rows[0] if rows else None

    def sync_deadlines(self) -> None:
        sync_deadlines(subject=self, specs=self.deadline_specs())

    # --- the once-only right (D.331-61) ---------------------------------------------------
    def previous_right_use(self):
        result = self.exam_result
        return (
            RightUse.objects.filter(
                student_id=self.student_id,
                exam=result.exam,
                specialty=normalize_specialty(result.specialty),
            )
            .exclude(dossier_id=self.pk)
            .select_related("dossier")
            .first()
        )

    def check_right_available(self, today: dt.date) -> None:
        used = self.previous_right_use()
        if used is not None:
            raise ValidationError(
                "Le droit à une nouvelle préparation de cet examen a déjà été utilisé "
                f"(session {used.session_year}, année scolaire {used.school_year}-"
                f"{used.school_year + 1}) : il ne s'exerce qu'une fois (code de l'éducation, "
                "art. D.331-61). Orientez l'élève vers une autre voie (droit au retour en "
                "formation, MLDS)."
            )
        if today > self.right_end:
            raise ValidationError(
                "Le droit à une nouvelle préparation ne vaut que pour la rentrée qui suit "
                f"immédiatement l'échec (code de l'éducation, art. D.331-61) : il a pris fin le "
                f"{self.right_end:%d/%m/%Y}."
            )

    def use_right(self, today: dt.date) -> None:
        result = self.exam_result
        try:
            with transaction.atomic():
                RightUse.objects.create(
                    student_id=self.student_id,
                    exam=result.exam,
                    specialty=normalize_specialty(result.specialty),
                    dossier=self,
                    session_year=result.session_year,
                    school_year=self.session_year,
                    used_on=today,
                )
        except IntegrityError as exc:
            raise ValidationError(
                "Le droit à une nouvelle préparation de cet examen a déjà été utilisé : il ne "
                "s'exerce qu'une fois (code de l'éducation, art. D.331-61)."
            ) from exc

    # --- transitions ---------------------------------------------------------------------
    def available_transitions(self) -> list[str]:
        return [name for name, t in TRANSITIONS.items() if self.state in t.sources]

    def _apply(self, action: str, *, by, comment: str = "", guard=None, changes=None):
        """The engine's apply: lock, check the source state and the guard, save, log, sync."""
        DOSSIER_WORKFLOW.apply(self, action, by=by, comment=comment, guard=guard, changes=changes)
        return self

    # --- guards, also read by the page to say why an action is not possible today ------
    def check_contact_trail(self) -> None:
        kinds = {TrailKind.INVITATION, TrailKind.CONTACT, TrailKind.REFUSAL}
        if "trail" in getattr(self, "_prefetched_objects_cache", {}):
            reached = any(entry.kind in kinds for entry in self.trail.all())
        else:
            reached = self.trail.filter(kind__in=kinds).exists()
        if not reached:
            raise ValidationError(
                "Enregistrez d'abord dans le suivi au moins une invitation, une tentative de "
                "contact ou un refus : l'accompagnement est dû à chaque élève ajourné, "
                "volontaire ou non."
            )

    def check_reenrol(self, today) -> None:
        if self.wish != Wish.REINSCRIPTION_ORIGINE:
            raise ValidationError(
                "La réinscription dans l'établissement d'origine suppose que l'élève l'ait "
                "demandée : enregistrez d'abord ce souhait."
            )
        self.check_right_available(today)

    def check_transmit(self, today) -> None:
        self.check_transmit_wish()
        self.check_right_available(today)

    def check_transmit_wish(self) -> None:
        if self.wish not in (Wish.CHANGEMENT, Wish.REINSCRIPTION_ORIGINE):
            raise ValidationError(
                "Seule une demande de changement d'établissement, ou une réinscription "
                "impossible dans l'établissement d'origine, passe en commission."
            )

    def check_orient(self) -> None:
        if self.wish not in (Wish.AUTRE_VOIE, Wish.REFUS):
            raise ValidationError(
                "L'orientation vers une autre voie suppose un souhait « autre voie » ou un "
                "refus de re-préparer l'examen."
            )

    def plan_entretien(self, *, on: dt.date, by, comment: str = "", today=None):
        today = today or timezone.localdate()

        def guard():
            if on < self.opened_on:
                raise ValidationError(
                    "L'entretien ne peut pas avoir lieu avant le jour des résultats "
                    f"({self.opened_on:%d/%m/%Y})."
                )
            if on < today:
                raise ValidationError("La date prévue de l'entretien est déjà passée.")
            if on > today + dt.timedelta(days=rules.ENTRETIEN_MAX_AHEAD_DAYS()):
                raise ValidationError(
                    "L'entretien doit être prévu dans les "
                    f"{rules.ENTRETIEN_MAX_AHEAD_DAYS()} jours : l'élève doit être reçu dès "
                    "la publication des résultats."
                )

        return self._apply(
            "plan_entretien",
            by=by,
            comment=comment or f"Entretien prévu le {on:%d/%m/%Y}",
            guard=guard,
            changes={"entretien_planned_on": on},
        )

    def record_entretien(
        self,
        *,
        by,
        held_on: dt.date,
        participants: str,
        expectations: str = "",
        needs: str = "",
        options: str = "",
        outcome: str = "",
        today=None,
    ):
        today = today or timezone.localdate()
        holder = {}

        def guard():
            Entretien.validate_date(held_on, opened_on=self.opened_on, today=today)
            if not participants.strip():
                raise ValidationError("Indiquez les participants à l'entretien.")
            holder["entretien"] = Entretien.objects.create(
                dossier=self,
                held_on=held_on,
                participants=participants,
                expectations=expectations,
                needs=needs,
                options=options,
                outcome=outcome,
                recorded_by=by,
            )

        self._apply(
            "record_entretien",
            by=by,
            comment=f"Entretien tenu le {held_on:%d/%m/%Y}",
            guard=guard,
        )
        return holder["entretien"]

    def mark_contact_impossible(self, *, by, comment: str = ""):
        return self._apply(
            "mark_contact_impossible", by=by, comment=comment, guard=self.check_contact_trail
        )

    def express_wish(
        self, *, by, wish: str, other_route: str = "", note: str = "", comment: str = ""
    ):
        def guard():
            if wish not in Wish.values:
                raise ValidationError("Souhait inconnu.")
            if wish == Wish.AUTRE_VOIE and other_route not in OtherRoute.values:
                raise ValidationError(
                    "Précisez l'autre voie envisagée (Ambition emploi, apprentissage, MLDS…)."
                )

        return self._apply(
            "express_wish",
            by=by,
            comment=comment or f"Souhait : {Wish(wish).label if wish in Wish.values else wish}",
            guard=guard,
            changes={
                "wish": wish,
                "other_route": other_route if wish == Wish.AUTRE_VOIE else "",
                "wish_note": note,
            },
        )

    def reenrol(self, *, by, comment: str = "", today=None):
        today = today or timezone.localdate()

        def guard():
            self.check_reenrol(today)
            self.use_right(today)

        return self._apply(
            "reenrol", by=by, comment=comment, guard=guard, changes={"decided_on": today}
        )

    def transmit_to_commission(
        self,
        *,
        by,
        proposed_school,
        impossibility_reason: str = "",
        requested_formation: str = "",
        request_reason: str = "",
        comment: str = "",
        today=None,
    ):
        """To the commission of the requested school's département (circulaire 2017-066)."""
        today = today or timezone.localdate()
        request_reason = (request_reason or "").strip()

        def guard():
            self.check_transmit_wish()
            if self.wish == Wish.REINSCRIPTION_ORIGINE and not impossibility_reason.strip():
                raise ValidationError(
                    "L'élève demande sa réinscription : indiquez le motif de l'impossibilité "
                    "dans l'établissement d'origine."
                )
            if proposed_school is None:
                raise ValidationError("Indiquez l'établissement de proximité proposé.")
            if proposed_school.pk == self.school_id:
                raise ValidationError(
                    "L'établissement proposé doit être différent de l'établissement d'origine."
                )
            if proposed_school.school_type not in rules.RECEIVING_SCHOOL_TYPES():
                raise ValidationError(
                    "L'établissement proposé doit être un lycée public qui prépare à l'examen "
                    "(ni collège, ni CFA, ni établissement privé)."
                )
            if proposed_school.departement_id != self.school.departement_id and not request_reason:
                raise ValidationError(
                    "Une demande pour un lycée d'un autre département doit être motivée "
                    "(circulaire 2017-066) : indiquez le motif de la demande. Elle sera "
                    "examinée par la commission d'affectation de ce département."
                )
            self.check_right_available(today)

        if comment:
            text = comment
        elif proposed_school is not None and proposed_school.departement_id != (
            self.school.departement_id
        ):
            text = (
                f"Établissement demandé : {proposed_school} — dossier transmis à la commission "
                f"d'affectation de {proposed_school.departement}"
            )
        else:
            text = f"Établissement proposé : {proposed_school}"
        return self._apply(
            "transmit_to_commission",
            by=by,
            comment=text,
            guard=guard,
            changes={
                "proposed_school": proposed_school,
                "impossibility_reason": impossibility_reason,
                "requested_formation": requested_formation,
                "request_reason": request_reason,
                "commission_departement_id": getattr(proposed_school, "departement_id", None),
                "transmitted_on": today,
            },
        )

    def orient_elsewhere(self, *, by, comment: str = "", today=None):
        today = today or timezone.localdate()
        return self._apply(
            "orient_elsewhere",
            by=by,
            comment=comment,
            guard=self.check_orient,
            changes={"decided_on": today},
        )

    def record_commission_decision(self, *, by, decision, today=None):
        """A waiting list or a refusal. Called by services.decide() only, in its transaction."""
        today = today or timezone.localdate()

        def guard():
            if decision.outcome == DecisionOutcome.AFFECTE:
                raise ValidationError("Une affectation est d'abord une proposition.")

        return self._apply(
            "record_commission_decision",
            by=by,
            comment=decision.summary,
            guard=guard,
            changes={"decided_on": today},
        )

    def propose_assignment(self, *, by, decision, today=None):
        """The commission proposes; the right is checked, not used (services.decide())."""
        today = today or timezone.localdate()
        return self._apply(
            "propose_assignment",
            by=by,
            comment=decision.summary,
            guard=lambda: self.check_right_available(today),
        )

    def pronounce_assignment(self, *, by, decision, today=None):
        """The IA-DASEN (or a delegate) pronounces: the D.331-61 right is used now, and the
        family letter and the information deadline follow (services.pronounce())."""
        today = today or timezone.localdate()

        def guard():
            self.check_right_available(today)
            self.use_right(today)

        return self._apply(
            "pronounce_assignment",
            by=by,
            comment=decision.summary,
            guard=guard,
            changes={"decided_on": today},
        )

    def record_withdrawal(self, *, by, decision, today=None):
        """Called by services.record_withdrawal() only, inside its transaction: the pupil is
        without a solution again, and the right to re-prepare, not exercised, is released."""
        today = today or timezone.localdate()

        def guard():
            RightUse.objects.filter(dossier=self).delete()

        return self._apply(
            "record_withdrawal",
            by=by,
            comment=f"Désistement : {decision.withdrawal_reason}",
            guard=guard,
            changes={"without_solution_on": today},
        )

    def promote_from_waiting_list(self, *, by, decision, today=None):
        """Called by services.promote_from_waiting_list() only, inside its transaction: a new
        proposal, pronounced like any other before the right is used and the family told."""
        today = today or timezone.localdate()

        def guard():
            self.check_right_available(today)

        return self._apply(
            "promote_from_waiting_list",
            by=by,
            comment=decision.summary,
            guard=guard,
            changes={
                "decided_on": None,
                "family_informed_on": None,
                "family_informed_channel": "",
                "without_solution_on": None,
            },
        )

    def inform_family(self, *, by, on: dt.date, channel: str, comment: str = "", today=None):
        today = today or timezone.localdate()

        def guard():
            if channel not in Channel.values:
                raise ValidationError("Indiquez comment la famille a été informée.")
            if on > today:
                raise ValidationError("La date d'information ne peut pas être dans le futur.")
            if self.decided_on and on < self.decided_on:
                raise ValidationError(
                    "La famille ne peut pas avoir été informée avant la décision "
                    f"({self.decided_on:%d/%m/%Y})."
                )

        return self._apply(
            "inform_family",
            by=by,
            comment=comment,
            guard=guard,
            changes={"family_informed_on": on, "family_informed_channel": channel},
        )

    def confirm_enrolment(
        self, *, by, school=None, on: dt.date | None = None, comment: str = "", today=None
    ):
        today = today or timezone.localdate()
        on = on or today
        school = school or self.decided_school

        def guard():
            if school is None:
                raise ValidationError("Indiquez l'établissement d'inscription à la rentrée.")
            if on > today:
                raise ValidationError("La date d'inscription ne peut pas être dans le futur.")

        return self._apply(
            "confirm_enrolment",
            by=by,
            comment=comment or (f"Inscrit à {school}" if school else ""),
            guard=guard,
            changes={"enrolled_school": school, "enrolled_on": on},
        )

    def declare_without_solution(self, *, by, comment: str = "", today=None):
        today = today or timezone.localdate()
        return self._apply(
            "declare_without_solution",
            by=by,
            comment=comment,
            changes={"without_solution_on": today},
        )

    # --- planner (domain.md §4.6 and §5) -------------------------------------------------
    @property
    def plan_session_year(self) -> int:
        """The session the pupil re-sits: the one after the failure."""
        return self.exam_result.session_year + 1

    def active_registration(self):
        """The confirmed registration for the next session, if any (locks the planner)."""
        return (
            ExamRegistration.objects.filter(dossier=self, cancelled_at__isnull=True)
            .select_related("confirmed_by")
            .first()
        )

    def plan_rows(self, marks=None, choices=None, registration=None) -> list[dict]:
        """Per épreuve: keepable or not (rules), the pupil's recorded choice, weekly hours.

        With a confirmed registration, a keepable mark the pupil re-sits is a renunciation:
        definitive for the bac GT, for that session only for the CAP (rules, domain.md §5).
        """
        result = self.exam_result
        rule = result.rule
        marks = list(result.marks.all()) if marks is None else marks
        if choices is None:
            choices = {c.mark_id: c for c in self.plan_choices.all()}
        for_session = self.plan_session_year
        rows = []
        for mark in marks:
            keepable, reason = rules.is_keepable(
                rule=rule,
                epreuve_code=mark.code,
                mark=mark.mark,
                mark_session=mark.session_year,
                for_session=for_session,
            )
            epreuve = rule.epreuve(mark.code)
            choice = choices.get(mark.pk)
            chosen = choice.choice if choice else ""
            reprepare = not keepable or chosen != PlanChoiceKind.KEEP
            renounced = ""
            if registration is not None and keepable and chosen == PlanChoiceKind.REPREPARE:
                renounced = (
                    "Renonciation définitive"
                    if rule.renunciation_definitive
                    else f"Renonciation pour la session {for_session} seulement"
                )
            rows.append(
                {
                    "mark": mark,
                    "keepable": keepable,
                    "reason": reason,
                    "choice": chosen,
                    "choice_label": PlanChoiceKind(chosen).label if chosen else "",
                    "chosen_by": choice.chosen_by if choice else None,
                    "chosen_at": choice.updated_at if choice else None,
                    "undecided": keepable and not chosen,
                    "reprepare": reprepare,
                    "renounced": renounced,
                    "weekly_hours": epreuve.weekly_hours if epreuve else None,
                }
            )
        return rows

    @staticmethod
    def timetable(rows) -> dict:
        subjects = [r for r in rows if r["reprepare"]]
        total = sum((r["weekly_hours"] or 0) for r in subjects)
        return {"subjects": subjects, "total_hours": total}

    def check_plan_open(self) -> None:
        """Choices are drafts until the registration for the session is confirmed."""
        registration = self.active_registration()
        if registration is not None:
            by = registration.confirmed_by or "l'établissement"
            raise ValidationError(
                f"L'inscription à la session {registration.session_year} a été confirmée le "
                f"{registration.registered_on:%d/%m/%Y} (saisie par {by}) : les choix de "
                "l'élève sont verrouillés. Pour corriger une confirmation saisie par erreur, "
                "annulez-la d'abord avec son motif."
            )

    def set_plan_choice(self, *, by, mark, choice: str):
        """Record the pupil's choice for one épreuve; reversible until the registration."""
        rule = self.exam_result.rule
        if mark.result_id != self.exam_result_id:
            raise ValidationError("Cette épreuve n'appartient pas à ce dossier.")
        if choice not in PlanChoiceKind.values:
            raise ValidationError("Choix inconnu.")
        keepable, reason = rules.is_keepable(
            rule=rule,
            epreuve_code=mark.code,
            mark=mark.mark,
            mark_session=mark.session_year,
            for_session=self.plan_session_year,
        )
        if choice == PlanChoiceKind.KEEP and not keepable:
            raise ValidationError(f"{mark.label} : note non conservable. {reason}")
        with transaction.atomic():
            # Lock the dossier: a registration confirmed at the same moment wins or waits.
            type(self).objects.select_for_update().filter(pk=self.pk).values("pk").get()
            self.check_plan_open()
            existing = (
                PlanChoice.objects.select_for_update().filter(dossier=self, mark=mark).first()
            )
            if existing is not None and existing.choice == choice:
                return existing
            plan_choice = existing or PlanChoice(dossier=self, mark=mark)
            plan_choice.choice = choice
            plan_choice.chosen_by = by
            plan_choice._history_user = by
            plan_choice.save()
            return plan_choice

    def confirm_exam_registration(self, *, by, registered_on: dt.date, today=None):
        """The pupil is registered for the next session (Cyclades): the choices are locked."""
        today = today or timezone.localdate()
        with transaction.atomic():
            type(self).objects.select_for_update().filter(pk=self.pk).values("pk").get()
            self.check_plan_open()
            if registered_on > today:
                raise ValidationError("La date d'inscription ne peut pas être dans le futur.")
            if registered_on < self.opened_on:
                raise ValidationError(
                    "L'inscription à la session suivante ne peut pas précéder le jour des "
                    f"résultats ({self.opened_on:%d/%m/%Y})."
                )
            rows = self.plan_rows()
            undecided = [r["mark"].label for r in rows if r["undecided"]]
            if undecided:
                raise ValidationError(
                    "Enregistrez d'abord le choix de l'élève (conserver ou repasser) pour : "
                    + ", ".join(undecided)
                    + ". L'inscription reprend ces choix."
                )
            summary = "; ".join(
                f"{r['mark'].label} : {'conservée' if not r['reprepare'] else 'repassée'}"
                for r in rows
                if r["keepable"]
            )
            try:
                with transaction.atomic():
                    return ExamRegistration.objects.create(
                        dossier=self,
                        session_year=self.plan_session_year,
                        registered_on=registered_on,
                        kept_summary=summary or "Aucune note conservable.",
                        confirmed_by=by,
                    )
            except IntegrityError as exc:
                raise ValidationError(
                    "L'inscription à la session est déjà confirmée pour ce dossier."
                ) from exc

    def cancel_exam_registration(self, *, by, reason: str):
        """Withdraw a confirmation entered by mistake; the row and its reason stay."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError("Indiquez le motif de l'annulation de la confirmation.")
        with transaction.atomic():
            type(self).objects.select_for_update().filter(pk=self.pk).values("pk").get()
            registration = self.active_registration()
            if registration is None:
                raise ValidationError("Aucune inscription confirmée à annuler.")
            registration.cancelled_by = by
            registration.cancelled_at = timezone.now()
            registration.cancel_reason = reason[:2000]
            registration.save(update_fields=["cancelled_by", "cancelled_at", "cancel_reason"])
            return registration
