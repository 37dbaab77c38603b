"""Pieces shared by the MLDS cases: scopes by role, the rentrée calendar, locked transitions."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from accounts.enums import SCHOOL_ROLES, Role

from .. import conf, rules

# Who reads the MLDS caseload of a whole département (the IA-DASEN and IEN-IO supervise it).
DEPARTEMENT_READ_ROLES = {Role.COORDONNATEUR_MLDS, Role.IA_DASEN, Role.IEN_IO, Role.ADMINISTRATEUR}
# Who writes follow-ups: the coordinators of the département (and the administrator).
WRITE_ROLES = {Role.COORDONNATEUR_MLDS, Role.ADMINISTRATEUR}
FOLLOW_UP_READ_ROLES = DEPARTEMENT_READ_ROLES | {Role.DIRECTEUR_CIO} | SCHOOL_ROLES

STALE_MESSAGE = "Ce dossier a été modifié entre-temps par quelqu'un d'autre : rechargez la page."


def active_role(user):
    role = getattr(user, "active_role", None)
    if role is None or not role.is_nominative:
        return None
    return role


def departement_q(role, prefix: str = "") -> Q:
    return Q(**{f"{prefix}departement_id__in": role.departement_ids()})


class Rentree(models.Model):
    """The rentrée date of a school year (Ambition emploi cannot start before it)."""

    school_year = models.PositiveSmallIntegerField(
        "année scolaire", unique=True, help_text="Année de la rentrée : 2025 pour 2025-2026."
    )
    date = models.DateField("date de la rentrée")

    class Meta:
        verbose_name = "date de rentrée"
        verbose_name_plural = "dates de rentrée"
        ordering = ["-school_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date__year=models.F("school_year")), name="rentree_in_its_year"
            )
        ]

    def __str__(self):
        return f"Rentrée {self.school_year} : {self.date:%d/%m/%Y}"

    @classmethod
    def date_for(cls, school_year: int) -> dt.date:
        """Stored date, else setting `MLDS_RENTREE_DATES`, else the first Monday of September."""
        stored = cls.objects.filter(school_year=school_year).values_list("date", flat=True).first()
        if stored:
            return stored
        return conf.configured_rentrees().get(school_year) or rules.default_rentree(school_year)


class TransitionMixin:
    """One locked write per transition: re-read the status under lock, save, write the log row."""

    log_model = (
        None  # set by subclasses: a model with (case FK, by, from_status, to_status, comment)
    )
    log_fk = ""

    def _check_fresh(self, expected_version):
        current = (
            type(self).objects.select_for_update().filter(pk=self.pk).values("status", "version")
        ).get()
        if current["status"] != self.status or (
            expected_version is not None and int(expected_version) != current["version"]
        ):
            raise ValidationError(STALE_MESSAGE)

    def _commit(self, *, by, to=None, comment="", fields=(), expected_version=None):
        with transaction.atomic():
            self._check_fresh(expected_version)
            before = self.status
            if to is not None:
                self.status = to
            self.version += 1
            self.save(update_fields=[*fields, "status", "version", "updated_at"])
            self.log_model.objects.create(
                **{self.log_fk: self},
                by=by if getattr(by, "pk", None) else None,
                from_status=before,
                to_status=self.status,
                comment=comment[:2000],
            )
            self.sync_deadlines()
            if getattr(by, "pk", None):
                from notifications.services import record_human_action

                record_human_action(subject=self, by=by)
