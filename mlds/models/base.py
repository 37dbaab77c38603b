"""Pieces shared by the MLDS cases: scopes by role, locked transitions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.enums import SCHOOL_ROLES, Role

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
