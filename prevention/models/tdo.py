"""Tous droits ouverts (seeds 001, 002; domain §4.8)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from students import rules as student_rules
from territories.models import Partner, PartnerContact

from .. import conf, rules
from ..enums import PathKind, TdoOutcome, TdoPartner, TdoStatus
from .base import PathBase

S = TdoStatus

TDO_MONTHS_HELP = (
    "Durée de 4 mois fixée par la région académique Grand Est (seed 002) ; la règle nationale "
    "(circulaire du 18 juillet 2023) n'est pas confirmée : durée réglable "
    "(PREVENTION_TDO_MONTHS)."
)


class Tdo(PathBase):
    """The offer is recorded even when refused (proof it was proposed, seed 002). The pupil
    keeps statut scolaire under the school's responsibility while with the partner."""

    Status = TdoStatus
    KIND = PathKind.TDO
    URL_NAME = "prevention:tdo_detail"
    TRANSITIONS = {
        S.PROPOSED: {S.ACCEPTED, S.REFUSED},
        S.ACCEPTED: {S.RUNNING},
        S.RUNNING: {S.CLOSED},
    }
    TERMINAL_STATUSES = {S.REFUSED, S.CLOSED}

    status = models.CharField("état", max_length=20, choices=S.choices, default=S.PROPOSED)
    proposed_on = models.DateField("proposé le")
    answered_on = models.DateField("réponse le", null=True, blank=True)
    # The structure and the person, from the one partner directory (territories), as the
    # MLDS and the FoQualE networks name them.
    partner = models.ForeignKey(
        "territories.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="structure partenaire",
    )
    contact = models.ForeignKey(
        "territories.PartnerContact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="contact chez le partenaire",
    )
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True, help_text=TDO_MONTHS_HELP)
    bilan = models.TextField("bilan", blank=True)
    outcome = models.CharField("issue", max_length=30, choices=TdoOutcome.choices, blank=True)
    closed_on = models.DateField("clos le", null=True, blank=True)

    class Meta:
        verbose_name = "Tous droits ouverts"
        verbose_name_plural = "Tous droits ouverts"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="tdo_running_has_partner_and_dates",
                condition=~Q(status__in=[S.RUNNING, S.CLOSED])
                | (
                    Q(partner__isnull=False)
                    & Q(start_date__isnull=False, end_date__isnull=False)
                    & Q(end_date__gt=models.F("start_date"))
                ),
            ),
            models.CheckConstraint(
                name="tdo_closed_has_bilan_and_outcome",
                condition=~Q(status=S.CLOSED) | (~Q(bilan="") & ~Q(outcome="")),
            ),
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status__in=[S.PROPOSED, S.ACCEPTED, S.RUNNING]),
                name="tdo_one_open_per_student",
            ),
        ]

    def __str__(self):
        return f"Tous droits ouverts — {self.student}"

    @staticmethod
    def end_for(start: dt.date) -> dt.date:
        return rules.period_end(start, conf.tdo_months())

    @property
    def partner_kind(self) -> str:
        """The type of the partner structure (`PartnerKind`), "" before the start."""
        return self.partner.partner_type if self.partner_id else ""

    @property
    def partner_name(self) -> str:
        return self.partner.name if self.partner_id else ""

    @property
    def partner_contact(self) -> str:
        return self.contact.name if self.contact_id else ""

    @property
    def follow_up_until(self) -> dt.date | None:
        """The joint follow-up of the first weeks (seed 002): the first month."""
        return student_rules.add_months(self.start_date, 1) if self.start_date else None

    def answer(self, *, by, accepted: bool, answered_on: dt.date, comment: str = ""):
        if answered_on < self.proposed_on:
            raise ValidationError("La réponse ne peut précéder la proposition.")
        self.answered_on = answered_on
        self._move(S.ACCEPTED if accepted else S.REFUSED, by=by, comment=comment)

    def start(
        self,
        *,
        by,
        start_date: dt.date,
        partner: Partner | None = None,
        partner_kind: str = "",
        partner_name: str = "",
        partner_contact: str = "",
    ):
        """Start with `partner`, a structure of the directory serving the school's
        département, or with a structure named by type and name: found in the directory
        (name, case ignored) or added to it. `partner_contact` is found among the structure's
        contacts by name or added to them."""
        if self.status != S.ACCEPTED:
            raise ValidationError("Le parcours commence une fois la proposition acceptée.")
        if start_date < self.answered_on:
            raise ValidationError("Le début ne peut précéder l'acceptation.")
        departement_id = self.school.departement_id
        if partner is not None:
            if not Partner.objects.serving(departement_id).filter(pk=partner.pk).exists():
                raise ValidationError(
                    "Cette structure n'est pas dans l'annuaire des partenaires du département."
                )
        elif partner_name.strip():
            if partner_kind not in TdoPartner.values:
                raise ValidationError("Choisissez le type de la structure partenaire.")
            partner, _ = Partner.objects.find_or_create(
                departement_id=departement_id, partner_type=partner_kind, name=partner_name
            )
        else:
            raise ValidationError("Choisissez la structure partenaire.")
        self.partner = partner
        self.contact = contact_named(partner, partner_contact)
        self.start_date, self.end_date = start_date, self.end_for(start_date)
        self._move(
            S.RUNNING,
            by=by,
            label=f"Début chez {partner.name} (statut scolaire conservé)",
        )

    def close(self, *, by, bilan: str, outcome: str, closed_on: dt.date | None = None):
        if self.status != S.RUNNING:
            raise ValidationError("Seul un parcours en cours peut être clos.")
        if not bilan.strip():
            raise ValidationError("Le bilan est requis pour clore Tous droits ouverts.")
        if outcome not in TdoOutcome.values:
            raise ValidationError("L'issue est requise pour clore Tous droits ouverts.")
        self.bilan, self.outcome = bilan, outcome
        self.closed_on = closed_on or timezone.localdate()
        self._move(S.CLOSED, by=by, label=f"Clos : {TdoOutcome(outcome).label}", comment=bilan)

    def deadline_specs(self):
        from notifications.services import DeadlineSpec

        from ..enums import PreventionDeadline

        if self.status not in (S.RUNNING, S.CLOSED):
            return []
        kw = self.spec_kwargs()
        done = self.status == S.CLOSED
        return [
            DeadlineSpec(
                kind=PreventionDeadline.TDO_END,
                due_date=self.end_date,
                label=f"Fin de Tous droits ouverts de {self.student}",
                done=done,
                **kw,
            ),
            DeadlineSpec(
                kind=PreventionDeadline.TDO_BILAN,
                due_date=self.end_date,
                label=f"Bilan et issue de Tous droits ouverts de {self.student}",
                done=done,
                **kw,
            ),
        ]


def contact_named(partner: Partner, name: str) -> PartnerContact | None:
    """The partner's contact called `name` (case and spaces ignored), added when missing."""
    name = " ".join(name.split())[:150]
    if not name:
        return None
    found = partner.contacts.filter(name__iexact=name).order_by("pk").first()
    return found or PartnerContact.objects.create(partner=partner, name=name)


class TdoFollowUp(models.Model):
    """A joint follow-up point with the partner (school + partner), mostly the first weeks."""

    tdo = models.ForeignKey(Tdo, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField("date")
    participants = models.CharField("participants", max_length=300)
    note = models.TextField("observations")
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "point de suivi conjoint"
        ordering = ["date", "id"]

    def __str__(self):
        return f"Suivi du {self.date:%d/%m/%Y}"
