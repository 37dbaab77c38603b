import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import rules
from .models import ExceptionalAccess

logger = logging.getLogger("secuparcours.access")


def open_exceptional_access(*, user, etablissement, reason: str, hours: int) -> ExceptionalAccess:
    """Open a justified, time-boxed access to one school outside the active role's scope."""
    role = user.active_role
    if role is None or not role.is_nominative:
        raise ValidationError("Votre rôle ne permet pas d'ouvrir un accès exceptionnel.")
    reason = (reason or "").strip()
    if len(reason) < rules.EXCEPTIONAL_ACCESS_MIN_REASON_LENGTH:
        raise ValidationError(
            "Justifiez l'accès en au moins %(n)d caractères (situation, élève concerné, urgence).",
            params={"n": rules.EXCEPTIONAL_ACCESS_MIN_REASON_LENGTH},
        )
    duration = dt.timedelta(hours=hours)
    if duration <= dt.timedelta(0) or duration > rules.EXCEPTIONAL_ACCESS_MAX_DURATION:
        raise ValidationError(
            "La durée doit être comprise entre 1 et %(max)d heures.",
            params={"max": int(rules.EXCEPTIONAL_ACCESS_MAX_DURATION.total_seconds() // 3600)},
        )
    now = timezone.now()
    grant = ExceptionalAccess.objects.create(
        user=user,
        role_label=str(role),
        etablissement=etablissement,
        reason=reason,
        expires_at=now + duration,
    )
    logger.warning(
        "Accès exceptionnel %s ouvert par le compte %s sur l'établissement %s",
        grant.pk,
        user.pk,
        etablissement.uai,
    )
    return grant


def close_exceptional_access(*, grant: ExceptionalAccess) -> None:
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
