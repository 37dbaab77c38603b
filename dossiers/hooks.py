"""What `dossiers` answers to the apps below it (registered by DossiersConfig.ready)."""

from typing import Any

from django.db.models import Exists, OuterRef

from accounts.roles import COMMISSION_MEMBER_ROLES
from students import hooks


def pupils_of_visible_dossiers(user: Any) -> Exists:
    """A commission member reads only the pupils of the dossiers transmitted to it."""
    from .models import RepreparationDossier

    return Exists(RepreparationDossier.objects.visible_to(user).filter(student_id=OuterRef("pk")))


def register() -> None:
    hooks.register_pupil_scope(COMMISSION_MEMBER_ROLES, pupils_of_visible_dossiers)
