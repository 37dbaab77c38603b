"""Parcours Ambition emploi (arrêté du 18 juillet 2023, domain.md §4.7)."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.roles import MLDS_DEPARTEMENT_READ_ROLES, MLDS_WRITE_ROLES, SCHOOL_ROLES, active_role
from workflows.models import TransitionLog

from .. import rules
from ..enums import AmbitionEmploiDiploma, AmbitionEmploiOutcome, AmbitionEmploiStatus
from ..workflow import AMBITION_WORKFLOW
from .base import TransitionMixin, departement_q

A = AmbitionEmploiStatus
ACTIVE = [A.PROPOSE, A.ACCEPTE, A.EN_COURS]
TRANSITIONS = {
    A.PROPOSE: {A.ACCEPTE, A.REFUSE},
    A.ACCEPTE: {A.EN_COURS, A.REFUSE},
    A.EN_COURS: {A.CLOS},
    A.REFUSE: set(),
    A.CLOS: set(),
}


class AmbitionEmploiQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Département roles see their département; the CIO and the school of enrolment theirs."""
        role = active_role(user, nominative=True)
        if role is None:
            return self.none()
        if role.role in MLDS_DEPARTEMENT_READ_ROLES:
            return self.filter(departement_q(role))
        if role.role == Role.DIRECTEUR_CIO or role.role in SCHOOL_ROLES:
            return self.filter(role.school_q("school__"))
        return self.none()

    def writable_by(self, user):
        """The MLDS of the département and the school of enrolment (the pupil stays its pupil)."""
        role = active_role(user, nominative=True)
        if role is None:
            return self.none()
        if role.role in MLDS_WRITE_ROLES:
            return self.filter(departement_q(role))
        if role.role in SCHOOL_ROLES:
            return self.filter(role.school_q("school__"))
        return self.none()

    def active(self):
        return self.filter(status__in=ACTIVE)

    def ending_in_month_of(self, today: dt.date):
        first = today.replace(day=1)
        last = rules.add_months(first, 1) - dt.timedelta(days=1)
        return self.filter(
            status=A.EN_COURS, planned_end_date__gte=first, planned_end_date__lte=last
        )


class AmbitionEmploi(TransitionMixin, models.Model):
    """A volunteer CAP / bac pro leaver keeps pupil status at most 4 months to move into work."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="ambition_emploi",
        verbose_name="élève",
    )
    school = models.ForeignKey(
        "territories.Etablissement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établissement d'inscription",
        help_text="Le jeune garde le statut d'élève de cet établissement pendant le parcours.",
    )
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, related_name="+"
    )
    follow_up = models.ForeignKey(
        "mlds.FollowUp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ambition_emploi",
        verbose_name="suivi MLDS",
    )
    origin_label = models.CharField("proposé depuis", max_length=250, blank=True)
    status = models.CharField("étape", max_length=20, choices=A.choices, default=A.PROPOSE)
    diploma = models.CharField("cycle achevé", max_length=10, choices=AmbitionEmploiDiploma.choices)
    session_year = models.PositiveSmallIntegerField(
        "session d'examen", help_text="Année de la dernière session (celle du cycle achevé)."
    )
    is_volunteer = models.BooleanField("volontaire", default=False)
    is_employed_or_in_training = models.BooleanField("en emploi ou en formation", default=False)
    objectives = models.TextField("objectifs et contenu du parcours", blank=True)
    partners = models.ManyToManyField(
        "territories.Partner",
        blank=True,
        related_name="ambition_emploi",
        verbose_name="partenaires",
    )
    proposed_on = models.DateField("proposé le")
    decided_on = models.DateField("réponse du jeune le", null=True, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    planned_end_date = models.DateField("fin prévue", null=True, blank=True)
    end_date = models.DateField("fin effective", null=True, blank=True)
    outcome = models.CharField(
        "issue", max_length=20, choices=AmbitionEmploiOutcome.choices, blank=True
    )
    outcome_note = models.TextField("précisions sur l'issue", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    objects = AmbitionEmploiQuerySet.as_manager()
    log_fk = "parcours"
    workflow = AMBITION_WORKFLOW

    class Meta:
        verbose_name = "Parcours Ambition emploi"
        verbose_name_plural = "Parcours Ambition emploi"
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status__in=["propose", "accepte", "en_cours"]),
                name="mlds_one_active_ambition_emploi",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["en_cours", "clos"])
                | Q(
                    start_date__isnull=False,
                    planned_end_date__isnull=False,
                    planned_end_date__gte=models.F("start_date"),
                    is_volunteer=True,
                    is_employed_or_in_training=False,
                ),
                name="mlds_ae_running_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status="clos") | (~Q(outcome="") & Q(end_date__isnull=False)),
                name="mlds_ae_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return f"Parcours Ambition emploi de {self.student}"

    def get_absolute_url(self):
        return reverse("mlds:ambition_detail", args=[self.public_id])

    @property
    def log_model(self):
        return AmbitionEmploiLog

    @property
    def latest_end_date(self) -> dt.date | None:
        return rules.ambition_emploi_latest_end(self.start_date) if self.start_date else None

    @property
    def pfmp_days(self) -> int:
        return sum(p.days for p in self.pfmp_periods.all())

    @property
    def pfmp_max_days(self) -> int | None:
        if not (self.start_date and self.planned_end_date):
            return None
        return rules.pfmp_max_days(self.start_date, self.planned_end_date)

    def _guard(self, target):
        if target not in TRANSITIONS[A(self.status)]:
            raise ValidationError(
                f"Impossible de passer de l'étape « {self.get_status_display()} » "
                f"à « {A(target).label} »."
            )

    @property
    def academie_id(self) -> int | None:
        from notifications import calendar

        return calendar.academie_of(self.departement_id)

    @property
    def start_window(self) -> tuple[dt.date, dt.date]:
        """From the rentrée after the cycle's session to the end of classes of that year."""
        return rules.ambition_emploi_start_window(self.session_year, self.academie_id)

    def default_start(self, today: dt.date) -> dt.date:
        """What the start form proposes: the rentrée, or today once the rentrée has passed."""
        first, last = self.start_window
        return min(max(first, today), last) if today <= last else first

    def check_eligibility(self) -> None:
        """Arrêté du 18 juillet 2023, art. 2: checked at the proposal and again at the start."""
        if self.diploma not in AmbitionEmploiDiploma.values:
            raise ValidationError(
                "Le parcours est réservé aux jeunes ayant achevé un cycle de bac professionnel, "
                "de brevet des métiers d'art, de DTMS ou de CAP."
            )
        if self.is_employed_or_in_training:
            raise ValidationError(
                "Le jeune est en emploi ou en formation : il n'est pas éligible au parcours."
            )
        if not self.is_volunteer:
            raise ValidationError(
                "Le parcours repose sur le volontariat : cochez l'accord du jeune."
            )

    def check_start(self, start: dt.date, planned_end: dt.date) -> None:
        """The start of the arrêté du 18 juillet 2023: eligibility, then the dates."""
        self.check_eligibility()
        first, last = self.start_window
        if start < first:
            raise ValidationError(
                f"Le parcours commence à partir de la rentrée qui suit la dernière session "
                f"(session {self.session_year}) : pas avant le {first:%d/%m/%Y} (arrêté du "
                "18 juillet 2023)."
            )
        if start > last:
            raise ValidationError(
                f"Le cycle a été achevé à la session {self.session_year} : le parcours devait "
                f"commencer pendant l'année scolaire {self.session_year}-{self.session_year + 1} "
                f"(au plus tard le {last:%d/%m/%Y}). Plus tard, ce n'est plus le Parcours "
                "Ambition emploi (arrêté du 18 juillet 2023) : proposez une autre solution "
                "(suivi MLDS, droit au retour en formation)."
            )
        self.check_dates(start, planned_end, pfmp_days=self.pfmp_days)

    @staticmethod
    def check_dates(start: dt.date, planned_end: dt.date, *, pfmp_days: int = 0):
        """Refuse an end past 4 months and PFMP beyond two thirds of the parcours."""
        if planned_end < start:
            raise ValidationError("La fin du parcours ne peut pas précéder son début.")
        latest = rules.ambition_emploi_latest_end(start)
        if planned_end > latest:
            raise ValidationError(
                f"Un Parcours Ambition emploi dure au plus 4 mois : commencé le "
                f"{start:%d/%m/%Y}, il doit finir au plus tard le {latest:%d/%m/%Y}."
            )
        limit = rules.pfmp_max_days(start, planned_end)
        if pfmp_days > limit:
            raise ValidationError(
                f"Les PFMP ({pfmp_days} jours) dépasseraient les deux tiers du parcours "
                f"({limit} jours ouvrés au plus)."
            )

    def accept(self, *, by, on=None, expected_version=None):
        self._guard(A.ACCEPTE)
        if not self.is_volunteer:
            raise ValidationError(
                "Le parcours repose sur le volontariat : cochez l'accord du jeune."
            )
        self.decided_on = on or timezone.localdate()
        self._commit(
            "accepter",
            by=by,
            to=A.ACCEPTE,
            comment="Le jeune accepte le parcours",
            fields=["decided_on", "is_volunteer"],
            expected_version=expected_version,
        )

    def refuse(self, *, by, comment="", on=None, expected_version=None):
        self._guard(A.REFUSE)
        self.decided_on = on or timezone.localdate()
        self._commit(
            "refuser",
            by=by,
            to=A.REFUSE,
            comment="Le jeune refuse le parcours" + (f" : {comment}" if comment else ""),
            fields=["decided_on"],
            expected_version=expected_version,
        )

    def start(self, *, by, start_date, planned_end_date, expected_version=None):
        self._guard(A.EN_COURS)
        self.check_start(start_date, planned_end_date)
        self.start_date = start_date
        self.planned_end_date = planned_end_date
        self._commit(
            "demarrer",
            by=by,
            to=A.EN_COURS,
            comment=f"Début du parcours le {start_date:%d/%m/%Y}, fin prévue le "
            f"{planned_end_date:%d/%m/%Y}",
            fields=["start_date", "planned_end_date"],
            expected_version=expected_version,
        )

    def change_end(self, *, by, planned_end_date, expected_version=None):
        if self.status != A.EN_COURS:
            raise ValidationError("Seul un parcours en cours peut être prolongé ou écourté.")
        self.check_dates(self.start_date, planned_end_date, pfmp_days=self.pfmp_days)
        self.planned_end_date = planned_end_date
        self._commit(
            "fin-prevue",
            by=by,
            comment=f"Fin prévue portée au {planned_end_date:%d/%m/%Y}",
            fields=["planned_end_date"],
            expected_version=expected_version,
        )

    def add_pfmp(self, *, by, host, start, end, expected_version=None) -> "PfmpPeriod":
        if self.status not in (A.ACCEPTE, A.EN_COURS):
            raise ValidationError("Les PFMP s'ajoutent à un parcours accepté ou en cours.")
        if end < start:
            raise ValidationError("La fin de la PFMP ne peut pas précéder son début.")
        days = rules.working_days(start, end)
        created = []

        def guard():
            # Runs on the locked row: two PFMP added at once cannot both pass the limit.
            if self.start_date:
                if start < self.start_date or end > self.planned_end_date:
                    raise ValidationError(
                        "La PFMP doit se dérouler pendant le parcours "
                        f"({self.start_date:%d/%m/%Y} – {self.planned_end_date:%d/%m/%Y})."
                    )
                total = self.pfmp_days + days
                limit = rules.pfmp_max_days(self.start_date, self.planned_end_date)
                if total > limit:
                    raise ValidationError(
                        f"Refusé : les PFMP atteindraient {total} jours, au-delà des deux tiers "
                        f"du parcours ({limit} jours ouvrés au plus)."
                    )
            created.append(
                PfmpPeriod.objects.create(
                    parcours=self, host=host, start=start, end=end, days=days, created_by=by
                )
            )

        self._commit(
            "pfmp",
            by=by,
            comment=f"PFMP chez {host} : {days} jours",
            guard=guard,
            expected_version=expected_version,
        )
        period = created[0]
        return period

    def close(self, *, by, outcome, end_date, note="", expected_version=None):
        self._guard(A.CLOS)
        if outcome not in AmbitionEmploiOutcome.values:
            raise ValidationError("L'issue du parcours est obligatoire pour le clore.")
        if end_date < self.start_date:
            raise ValidationError("La fin du parcours ne peut pas précéder son début.")
        if end_date > self.latest_end_date:
            raise ValidationError(
                f"Un Parcours Ambition emploi dure au plus 4 mois : il doit finir au plus tard "
                f"le {self.latest_end_date:%d/%m/%Y}."
            )
        self.outcome = outcome
        self.outcome_note = note
        self.end_date = end_date
        self._commit(
            "clore",
            by=by,
            to=A.CLOS,
            comment=f"Parcours terminé le {end_date:%d/%m/%Y} — issue : "
            f"{AmbitionEmploiOutcome(outcome).label}",
            fields=["outcome", "outcome_note", "end_date"],
            expected_version=expected_version,
        )

    def deadline_specs(self):
        from notifications.services import DeadlineSpec

        from ..enums import MldsDeadline

        if not self.start_date or self.status == A.REFUSE:
            return []
        done = self.status == A.CLOS
        common = {
            "url": self.get_absolute_url(),
            "student_id": self.student_id,
            "school_id": self.school_id,
            "departement_id": self.departement_id,
        }
        return [
            DeadlineSpec(
                kind=MldsDeadline.AMBITION_EMPLOI_BILAN,
                due_date=rules.add_months(self.start_date, rules.AMBITION_EMPLOI_BILAN_MONTHS()),
                label=f"Bilan à mi-parcours Ambition emploi de {self.student}",
                done=done,
                **common,
            ),
            DeadlineSpec(
                kind=MldsDeadline.AMBITION_EMPLOI_END,
                due_date=self.planned_end_date,
                label=f"Fin du Parcours Ambition emploi de {self.student} : enregistrer l'issue",
                done=done,
                **common,
            ),
        ]

    def sync_deadlines(self):
        from notifications.services import sync_deadlines

        sync_deadlines(subject=self, specs=self.deadline_specs())


class PfmpPeriod(models.Model):
    parcours = models.ForeignKey(
        AmbitionEmploi, on_delete=models.CASCADE, related_name="pfmp_periods"
    )
    host = models.CharField("structure d'accueil", max_length=200)
    start = models.DateField("début")
    end = models.DateField("fin")
    days = models.PositiveSmallIntegerField("jours ouvrés")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "période de formation en milieu professionnel"
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="mlds_pfmp_dates")
        ]

    def __str__(self):
        return f"PFMP {self.host} ({self.days} j)"


class AmbitionEmploiLog(TransitionLog):
    parcours = models.ForeignKey(AmbitionEmploi, on_delete=models.CASCADE, related_name="logs")
    from_state = models.CharField("de", max_length=20, choices=A.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=A.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "historique du parcours"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y} {self.from_state} → {self.to_state}"
