from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from . import rules
from .client_ip import client_ip
from .enums import AuthEventKind, Role
from .models import AuthEvent, ExceptionalAccess, OidcIdentity, RoleAssignment, User

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from territories.models import Academie, Etablissement

logger = logging.getLogger("secuparcours.access")
auth_logger = logging.getLogger("secuparcours.auth")


# --- Authentication audit ----------------------------------------------------------------------


def record_auth_event(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    method: str = "",
    username: str = "",
    provider: str = "",
    reason: str = "",
    by: User | None = None,
) -> AuthEvent:
    """One audit row; never a password, token, code or secret (callers pass none)."""
    event = AuthEvent.objects.create(
        kind=kind,
        method=method,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:254],
        ip=client_ip(request) if request is not None else None,
        provider=provider[:255],
        reason=reason[:300],
        by=by,
    )
    auth_logger.info(
        "Authentification : %s, méthode %s, compte %s",
        kind,
        method or "-",
        event.user_id or "inconnu",
    )
    return event


# --- ProConnect --------------------------------------------------------------------------------


def match_proconnect_account(*, issuer: str, sub: str, email: str, idp_id: str = "") -> User:
    """The account an administrator opened for this agent; nothing is ever created.

    Found by the provider's `sub` once it was matched, else by the professional e-mail (unique
    in any case), and then the `sub` is stored. An account already tied to another identity
    of the same provider, or deactivated, is refused.
    """
    from .proconnect import LoginRefused

    identity = OidcIdentity.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    if identity is not None:
        user = identity.user
    else:
        matches = list(User.objects.filter(email__iexact=email)[:2])
        if not matches:
            raise LoginRefused("unknown_account", email=email)
        if len(matches) > 1:
            raise LoginRefused("ambiguous", email=email)
        user = matches[0]
    if not user.is_active:
        raise LoginRefused("inactive", email=email)
    now = timezone.now()
    if identity is not None:
        OidcIdentity.objects.filter(pk=identity.pk).update(last_used_at=now, idp_id=idp_id[:255])
        return user
    try:
        with transaction.atomic():
            OidcIdentity.objects.create(
                user=user, issuer=issuer, sub=sub, idp_id=idp_id[:255], last_used_at=now
            )
    except IntegrityError as exc:
        raise LoginRefused("identity_conflict", email=email) from exc
    return user


# --- Exceptional access ("bris de glace") ------------------------------------------------------

# Sent inside the grant's transaction. The notifications app, above accounts in the app graph,
# alerts the académie's administrators on it (NotificationsConfig.ready).
exceptional_access_opened = Signal()


def open_exceptional_access(
    *, user: User, etablissement: Etablissement, reason: str, hours: int, category: str = ""
) -> ExceptionalAccess:
    """Open a justified, time-boxed access to one school outside the active role's scope.

    Bounded per account (open at once and per 24 hours); the académie's administrators are
    alerted on each grant.
    """
    role = user.active_role
    if role is None or not role.is_nominative:
        raise ValidationError("Votre rôle ne permet pas d'ouvrir un accès exceptionnel.")
    reason = rules.check_justification(reason)
    duration = dt.timedelta(hours=hours)
    if duration <= dt.timedelta(0) or duration > rules.EXCEPTIONAL_ACCESS_MAX_DURATION:
        raise ValidationError(
            "La durée doit être comprise entre 1 et %(max)d heures.",
            params={"max": int(rules.EXCEPTIONAL_ACCESS_MAX_DURATION.total_seconds() // 3600)},
        )
    with transaction.atomic():
        # One account's grants are counted under a lock on the account: two tabs cannot both
        # pass the cap.
        User.objects.select_for_update().filter(pk=user.pk).first()
        now = timezone.now()
        mine = ExceptionalAccess.objects.filter(user=user)
        if mine.open(now).count() >= rules.max_open_grants():
            raise ValidationError(
                "Vous avez déjà %(n)d accès exceptionnels en cours, le maximum : closez-en un "
                "avant d'en ouvrir un autre.",
                params={"n": rules.max_open_grants()},
            )
        if mine.filter(granted_at__gt=now - dt.timedelta(hours=24)).count() >= (
            rules.max_grants_per_day()
        ):
            raise ValidationError(
                "Vous avez ouvert %(n)d accès exceptionnels ces dernières 24 heures, le "
                "maximum. Si la situation l'exige, adressez-vous à l'administrateur de votre "
                "académie.",
                params={"n": rules.max_grants_per_day()},
            )
        grant = ExceptionalAccess.objects.create(
            user=user,
            role_label=str(role),
            etablissement=etablissement,
            category=category or ExceptionalAccess._meta.get_field("category").default,
            reason=reason,
            expires_at=now + duration,
        )
        exceptional_access_opened.send(sender=ExceptionalAccess, grant=grant)
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


# --- Accounts created by administrators --------------------------------------------------------


def create_agent(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    structure: Model,
    by: User | None = None,
    academie: Academie | None = None,
) -> tuple[User, bool]:
    """Open (or complete) the account of an agent, matched later by ProConnect on its e-mail.

    Returns (user, created). An existing account with that e-mail gets the role added. The
    account has no usable password: agents sign in with ProConnect.
    """
    email = email.strip().lower()
    try:
        return _create_agent(
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            structure=structure,
            by=by,
            academie=academie,
        )
    except IntegrityError as exc:  # the same address opened at the same moment elsewhere
        raise ValidationError(
            "Ce compte vient d'être modifié par ailleurs : rechargez la page et recommencez."
        ) from exc


def _create_agent(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    structure: Model,
    by: User | None,
    academie: Academie | None,
) -> tuple[User, bool]:
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        created = user is None
        if user is None:
            user = User(
                username=email,
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                home_academie=academie,
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
        assignment = RoleAssignment(user=user, role=role, **{_structure_field(role): structure})
        assignment.is_default = not user.role_assignments.exists()
        if not user.role_assignments.filter(
            role=role, **{_structure_field(role): structure}
        ).exists():
            assignment.save()
        record_auth_event(
            kind=AuthEventKind.ACCOUNT,
            user=user,
            reason=("Compte ouvert" if created else "Rôle ajouté")
            + f" : {assignment.get_role_display()} — {structure}",
            by=by,
        )
    return user, created


def _structure_field(role: str) -> str:
    from territories.enums import ScopeLevel

    from .enums import ROLE_SCOPE_LEVEL

    return {
        ScopeLevel.ETABLISSEMENT: "etablissement",
        ScopeLevel.BASSIN: "bassin",
        ScopeLevel.RESEAU: "network",
        ScopeLevel.DEPARTEMENT: "departement",
        ScopeLevel.ACADEMIE: "academie",
    }[ROLE_SCOPE_LEVEL[Role(role)]]


def set_account_active(*, user: User, active: bool, by: User) -> None:
    if user.pk == by.pk and not active:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.")
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    record_auth_event(
        kind=AuthEventKind.ACCOUNT,
        user=user,
        reason="Compte réactivé" if active else "Compte désactivé",
        by=by,
    )


def reset_second_factor(*, user: User, by: User) -> None:
    """Remove the account's TOTP application and recovery codes: it enrols again."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_auth_event(
        kind=AuthEventKind.ACCOUNT, user=user, reason="Second facteur réinitialisé", by=by
    )


def unlink_proconnect(*, user: User, by: User) -> None:
    OidcIdentity.objects.filter(user=user).delete()
    record_auth_event(
        kind=AuthEventKind.ACCOUNT, user=user, reason="Identité ProConnect détachée", by=by
    )


def password_login_allowed(username: str) -> bool:
    """Password login is on, or `username` is a break-glass account."""
    if settings.PASSWORD_LOGIN_ENABLED:
        return True
    return bool(username) and username in settings.PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS


STRUCTURE_HINTS = {
    "etablissement": "l'UAI de l'établissement",
    "bassin": "le code du bassin ou l'UAI du CIO",
    "network": "l'UAI de l'établissement tête du réseau FoQualE",
    "departement": "le code du département (077, 093…)",
    "academie": "le code de l'académie",
}


def resolve_structure(*, role: str, code: str, academie_ids: list[int] | None = None) -> Model:
    """The structure a role is given over, from the code an administrator types or a CSV
    holds; restricted to `academie_ids` when given. French ValidationError otherwise."""
    from territories.models import CIO, Academie, Bassin, Departement, Etablissement, Network

    field = _structure_field(role)
    qs: QuerySet[Any]
    code = (code or "").strip()
    upper = code.upper()
    if field == "etablissement":
        qs = Etablissement.objects.filter(uai=upper)
        scope = "departement__academie_id__in"
    elif field == "bassin":
        qs = Bassin.objects.filter(
            Q(code__iexact=code) | Q(pk__in=CIO.objects.filter(uai=upper).values("bassin_id"))
        )
        scope = "departement__academie_id__in"
    elif field == "network":
        qs = Network.objects.filter(Q(head_school__uai=upper) | Q(name__iexact=code))
        scope = "head_school__departement__academie_id__in"
    elif field == "departement":
        qs = Departement.objects.filter(code=upper.zfill(3) if upper.isdigit() else upper)
        scope = "academie_id__in"
    else:
        qs = Academie.objects.filter(code__iexact=code)
        scope = "pk__in"
    if academie_ids is not None:
        qs = qs.filter(**{scope: academie_ids})
    found: list[Model] = list(qs[:2])
    if len(found) != 1:
        raise ValidationError(
            "Aucune structure de votre académie ne correspond à « %(code)s » : indiquez %(hint)s.",
            params={"code": code[:40], "hint": STRUCTURE_HINTS[field]},
        )
    return found[0]
