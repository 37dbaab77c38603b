"""Parcours individualisé dérogatoire (seed 003, domain §4.14)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from accounts.enums import Role

from .. import conf, rules
from ..enums import DerogatoireStatus, Opinion, PathKind
from .base import PathBase

S = DerogatoireStatus


class Derogatoire(PathBase):
    """Contract (young person, family, head), sent to the DSDEN "sous le timbre IEN-IO",
    validated or refused by the IA-DASEN; it never runs without that validation."""

    Status = DerogatoireStatus
    KIND = PathKind.DEROGATOIRE
    URL_NAME = "prevention:derogatoire_detail"
    TRANSITIONS = {
        S.DRAFT: {S.TRANSMITTED, S.CANCELLED},
        S.TRANSMITTED: {S.OPINION_GIVEN, S.CANCELLED},
        S.OPINION_GIVEN: {S.VALIDATED, S.REFUSED},
        S.VALIDATED: {S.RUNNING, S.CANCELLED},
        S.RUNNING: {S.FINISHED, S.CANCELLED},
    }
    TERMINAL_STATUSES = {S.REFUSED, S.FINISHED, S.CANCELLED}
    DEPARTEMENT_VISIBLE_STATUSES = {
        S.TRANSMITTED,
        S.OPINION_GIVEN,
        S.VALIDATED,
        S.REFUSED,
        S.RUNNING,
        S.FINISHED,
    }
    CONTRACT_FIELDS = ("exempted_teachings", "alternation", "planned_start", "planned_end")

    status = models.CharField("état", max_length=20, choices=S.choices, default=S.DRAFT)
    level = models.CharField("niveau à l'ouverture", max_length=10)
    planned_start = models.DateField("début prévu")
    planned_end = models.DateField("fin prévue")
    exempted_teachings = models.TextField(
        "enseignements dont l'élève est dispensé",
        help_text="Partie des enseignements obligatoires.",
    )
    alternation = models.TextField(
        "organisation de l'alternance",
        help_text="Séquences au collège et dans d'autres lieux (LP, CFA, entreprises, "
        "associations) : jours, volumes horaires.",
    )
    # Contract signatures (young person, family, head): all three before transmission.
    signed_by_young_on = models.DateField("signature du jeune", null=True, blank=True)
    signed_by_family_on = models.DateField("signature de la famille", null=True, blank=True)
    signed_by_head_on = models.DateField("signature du chef d'établissement", null=True, blank=True)
    # Placement: a convention de stage and a planned visit are required.
    has_placement = models.BooleanField("avec stage en entreprise ou organisme", default=False)
    host_name = models.CharField("organisme d'accueil", max_length=200, blank=True)
    host_address = models.CharField("adresse de l'organisme", max_length=250, blank=True)
    host_tutor = models.CharField("tuteur dans l'organisme", max_length=150, blank=True)
    convention_signed_on = models.DateField("convention de stage signée le", null=True, blank=True)
    visit_planned_on = models.DateField("visite de stage prévue le", null=True, blank=True)
    visit_done_on = models.DateField("visite réalisée le", null=True, blank=True)
    visit_report = models.TextField("compte rendu de visite", blank=True)
    # Département: IEN-IO opinion, IA-DASEN decision.
    transmitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    ien_io_opinion = models.CharField(
        "avis de l'IEN-IO", max_length=20, choices=Opinion.choices, blank=True
    )
    ien_io_comment = models.TextField("commentaire de l'IEN-IO", blank=True)
    ien_io_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ien_io_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decision_comment = models.TextField("motif de la décision", blank=True)
    started_on = models.DateField("début effectif", null=True, blank=True)
    next_review_on = models.DateField("prochain bilan d'étape", null=True, blank=True)
    finished_on = models.DateField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "parcours individualisé dérogatoire"
        verbose_name_plural = "parcours individualisés dérogatoires"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="derogatoire_end_after_start",
                condition=Q(planned_end__gt=models.F("planned_start")),
            ),
            models.CheckConstraint(
                name="derogatoire_level_4e_3e", condition=Q(level__in=["4E", "3E"])
            ),
            models.CheckConstraint(
                name="derogatoire_sent_when_signed",
                condition=Q(status__in=[S.DRAFT, S.CANCELLED])
                | Q(
                    signed_by_young_on__isnull=False,
                    signed_by_family_on__isnull=False,
                    signed_by_head_on__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="derogatoire_runs_only_validated",
                condition=~Q(status__in=[S.RUNNING, S.FINISHED])
                | Q(decided_at__isnull=False, started_on__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(
                    status__in=[S.DRAFT, S.TRANSMITTED, S.OPINION_GIVEN, S.VALIDATED, S.RUNNING]
                ),
                name="derogatoire_one_open_per_student",
            ),
        ]

    def __str__(self):
        return f"Parcours dérogatoire de {self.student}"

    @property
    def is_priority(self) -> bool:
        """Seed 003: priority to pupils who reach 16 during the school year of the start."""
        from notifications import calendar

        return rules.reaches_16_during_school_year(
            self.student.birth_date,
            self.planned_start,
            calendar.academie_of(self.school.departement_id),
        )

    @property
    def signatures(self) -> list[tuple[str, dt.date | None]]:
        return [
            ("le jeune", self.signed_by_young_on),
            ("la famille", self.signed_by_family_on),
            ("le chef d'établissement", self.signed_by_head_on),
        ]

    @property
    def missing_signatures(self) -> list[str]:
        return [who for who, day in self.signatures if day is None]

    @property
    def validation_due(self) -> dt.date | None:
        if not self.transmitted_at:
            return None
        return self.transmitted_at.date() + dt.timedelta(days=conf.validation_days())

    def missing_for_transmission(self) -> list[str]:
        """Everything seed 003 requires before the project leaves the school, in French."""
        missing = []
        if self.level not in rules.DEROGATOIRE_LEVELS:
            missing.append("le parcours dérogatoire concerne les élèves de 4e ou de 3e")
        if not self.objectives.exists():
            missing.append("au moins un objectif avec son échéance")
        of = {
            "le jeune": "du jeune",
            "la famille": "de la famille",
            "le chef d'établissement": "du chef d'établissement",
        }
        missing += [f"la signature {of[who]}" for who in self.missing_signatures]
        if not self.referent.strip():
            missing.append("le référent chargé du suivi (tutorat)")
        if self.has_placement:
            if not self.host_name.strip():
                missing.append("l'organisme d'accueil du stage")
            if not self.convention_signed_on:
                missing.append("la convention de stage signée")
            if not self.visit_planned_on:
                missing.append("la date prévue de la visite sur le lieu de stage")
        return missing

    def check_contract_editable(self):
        if self.status != S.DRAFT:
            raise ValidationError("Le contrat ne peut plus être modifié une fois transmis.")

    def clear_signatures(self):
        self.signed_by_young_on = self.signed_by_family_on = self.signed_by_head_on = None

    # --- transitions -------------------------------------------------------------------
    def transmit(self, *, by, now):
        missing = self.missing_for_transmission()
        if missing:
            raise ValidationError(
                "Transmission impossible, il manque : " + " ; ".join(missing) + "."
            )
        self.transmitted_at = now
        self._move(S.TRANSMITTED, by=by, label="Transmis à la DSDEN sous le timbre IEN-IO")

    def give_opinion(self, *, by, now, opinion: str, comment: str = ""):
        role = getattr(by, "active_role", None)
        if role is None or role.role != Role.IEN_IO:
            raise ValidationError("L'avis est rendu par l'IEN-IO du département.")
        if opinion not in Opinion.values:
            raise ValidationError("Choisissez un avis.")
        if opinion != Opinion.FAVORABLE and not comment.strip():
            raise ValidationError("Motivez un avis réservé ou défavorable.")
        self.ien_io_opinion, self.ien_io_comment = opinion, comment
        self.ien_io_by, self.ien_io_at = by, now
        self._move(
            S.OPINION_GIVEN,
            by=by,
            comment=comment,
            label=f"Avis de l'IEN-IO : {Opinion(opinion).label.lower()}",
        )

    def decide(self, *, by, now, accept: bool, comment: str = ""):
        role = getattr(by, "active_role", None)
        if role is None or role.role != Role.IA_DASEN:
            raise ValidationError("Seul l'IA-DASEN valide ou refuse un parcours dérogatoire.")
        if self.status != S.OPINION_GIVEN:
            raise ValidationError("L'avis de l'IEN-IO est attendu avant la décision.")
        if not accept and not comment.strip():
            raise ValidationError("Indiquez le motif du refus.")
        self.decided_by, self.decided_at, self.decision_comment = by, now, comment
        self._move(
            S.VALIDATED if accept else S.REFUSED,
            by=by,
            comment=comment,
            label="Validé par l'IA-DASEN" if accept else "Refusé par l'IA-DASEN",
        )

    def start(self, *, by, started_on: dt.date):
        if self.status != S.VALIDATED:
            raise ValidationError(
                "Le parcours ne peut pas commencer sans la validation de l'IA-DASEN."
            )
        if started_on < self.decided_at.date():
            raise ValidationError("Le parcours ne peut pas commencer avant sa validation.")
        if started_on >= self.planned_end:
            raise ValidationError("Le début doit précéder la fin prévue du parcours.")
        self.started_on = started_on
        if self.next_review_on is None:
            self.next_review_on = min(
                self.planned_end, started_on + dt.timedelta(days=conf.bilan_interval_days())
            )
        self._move(S.RUNNING, by=by, label="Début du parcours")

    def record_visit(self, *, by, done_on: dt.date, report: str):
        if not self.has_placement:
            raise ValidationError("Ce parcours ne comporte pas de stage.")
        if self.status != S.RUNNING:
            raise ValidationError("La visite se rapporte à un parcours en cours.")
        if not report.strip():
            raise ValidationError("Rédigez le compte rendu de la visite.")
        self.visit_done_on, self.visit_report = done_on, report
        self.save()
        self.note(by=by, label="Visite sur le lieu de stage", comment=report)
        self.sync_deadlines()

    def finish(self, *, by, finished_on: dt.date):
        if not self.bilans.filter(kind="final").exists():
            raise ValidationError("Le bilan final est requis pour terminer le parcours.")
        self.finished_on = finished_on
        self._move(S.FINISHED, by=by, label="Parcours terminé (bilan final)")

    def cancel(self, *, by, comment: str):
        if not comment.strip():
            raise ValidationError("Indiquez pourquoi le parcours est abandonné.")
        self._move(S.CANCELLED, by=by, comment=comment)

    def deadline_specs(self):
        from notifications.services import DeadlineSpec

        from ..enums import PreventionDeadline

        kw = self.spec_kwargs()
        specs = []
        if self.transmitted_at and self.status != S.CANCELLED:
            specs.append(
                DeadlineSpec(
                    kind=PreventionDeadline.DEROGATOIRE_VALIDATION,
                    due_date=self.validation_due,
                    label=f"Validation du parcours dérogatoire de {self.student}",
                    done=self.decided_at is not None,
                    **kw,
                )
            )
        if self.status in (S.RUNNING, S.FINISHED) and self.next_review_on:
            specs.append(
                DeadlineSpec(
                    kind=PreventionDeadline.DEROGATOIRE_REVIEW,
                    due_date=self.next_review_on,
                    label=f"Bilan d'étape du parcours dérogatoire de {self.student}",
                    done=self.status == S.FINISHED,
                    **kw,
                )
            )
        if self.has_placement and self.visit_planned_on and self.status != S.CANCELLED:
            specs.append(
                DeadlineSpec(
                    kind=PreventionDeadline.DEROGATOIRE_VISIT,
                    due_date=self.visit_planned_on,
                    label=f"Visite de stage de {self.student} ({self.host_name})",
                    done=self.visit_done_on is not None or self.status == S.FINISHED,
                    **kw,
                )
            )
        return specs


class DerogatoireObjective(models.Model):
    path = models.ForeignKey(Derogatoire, on_delete=models.CASCADE, related_name="objectives")
    text = models.CharField("objectif", max_length=300)
    deadline = models.DateField("échéance")

    class Meta:
        verbose_name = "objectif du contrat"
        ordering = ["deadline", "id"]

    def __str__(self):
        return self.text
