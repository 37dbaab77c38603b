"""This app's own kind: alerts to the administrators about an exceptional access."""

from .enums import AlertKind
from .registry import KindPolicy, register_case, register_kinds


def register() -> None:
    from accounts.models import ExceptionalAccess

    # Created done (`services.alert_now`): never swept, listed only in the recipients' inbox.
    register_kinds(
        AlertKind,
        app_label="notifications",
        policies={
            AlertKind.EXCEPTIONAL_ACCESS: KindPolicy(
                before_days=None, overdue_after_days=None, escalation_days=(), information=True
            )
        },
    )
    register_case(ExceptionalAccess, writable=lambda user: ExceptionalAccess.objects.none())
