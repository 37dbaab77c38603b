"""TOTP second factor (django-otp) and its single-use recovery codes."""

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .enums import AuthMethod

AUTH_METHOD_SESSION_KEY = "auth_method"
PROVIDER_MFA_SESSION_KEY = "auth_provider_mfa"
TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"


def is_required(user, session) -> bool:
    """Always for administrators, superusers and staff; after a password login when
    SECOND_FACTOR_FOR_PASSWORD_LOGIN says so; never when ProConnect reported a multi-factor
    login."""
    if session.get(PROVIDER_MFA_SESSION_KEY):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if (
        settings.SECOND_FACTOR_FOR_PASSWORD_LOGIN
        and session.get(AUTH_METHOD_SESSION_KEY, AuthMethod.PASSWORD) == AuthMethod.PASSWORD
    ):
        return True
    return user.is_administrator


def is_pending(request) -> bool:
    user = request.user
    if not user.is_authenticated or not is_required(user, request.session):
        return False
    return not user.is_verified()


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user) -> TOTPDevice:
    """The device being enrolled: its secret stays the same until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code")


def secret_for_display(device: TOTPDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a first code; returns the new recovery codes, or None."""
    if not device.verify_token(_digits(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
    otp_login(request, device)
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes: each works once, they are shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.SECOND_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify(*, request, code: str) -> str | None:
    """Check a TOTP code, then a recovery code (used up). Returns the method, or None."""
    user = request.user
    code = (code or "").strip()
    totp = confirmed_totp(user)
    compact = code.replace(" ", "")
    if totp is not None and compact.isdigit() and len(compact) == totp.digits:
        with transaction.atomic():
            totp = TOTPDevice.objects.select_for_update().get(pk=totp.pk)
            allowed, _ = totp.verify_is_allowed()
            if allowed and totp.verify_token(_digits(code)):
                otp_login(request, totp)
                return AuthMethod.TOTP
        return None
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is not None:
        with transaction.atomic():
            recovery = StaticDevice.objects.select_for_update().get(pk=recovery.pk)
            allowed, _ = recovery.verify_is_allowed()
            if allowed and recovery.verify_token(code.replace(" ", "").lower()):
                otp_login(request, recovery)
                return AuthMethod.RECOVERY_CODE
    return None


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())
