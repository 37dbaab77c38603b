"""Reminder settings. Each can be overridden in Django settings (NOTIFICATIONS_*)."""

from dataclasses import replace

from django.conf import settings

from . import registry, rules
from .registry import KindPolicy

__all__ = ["KindPolicy", "policy_for"]


def policy_for(kind: str) -> KindPolicy:
    """Policy of `kind`, with NOTIFICATIONS_KIND_POLICIES = {kind: {field: value}} applied."""
    base = registry.kind(kind).policy if registry.is_registered(kind) else KindPolicy()
    overrides = rules.KIND_POLICIES().get(kind)
    return replace(base, **overrides) if overrides else base


def age_notice_days() -> int:
    """Age events appear this many days before the birthday."""
    return rules.AGE_NOTICE_DAYS()


def sans_solution_days_before_rentree() -> int:
    """[ASSUMPTION] domain.md §8: the "sans solution" sweep the last week of August."""
    return rules.SANS_SOLUTION_DAYS_BEFORE_RENTREE()


def school_holidays_are_non_working() -> bool:
    """Non-urgent e-mails wait for the end of the school holidays (schools are closed)."""
    return rules.SCHOOL_HOLIDAYS_NON_WORKING()


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 6)


def backoff_seconds(attempts: int) -> int:
    """5 min, 10 min, 20 min… capped at 6 hours."""
    base = getattr(settings, "NOTIFICATIONS_BACKOFF_BASE_SECONDS", 300)
    return min(base * 2 ** max(attempts - 1, 0), 6 * 3600)


def mail_pause_seconds() -> float:
    """Pause between two e-mails, for SMTP relays that limit the sending rate."""
    return getattr(settings, "NOTIFICATIONS_MAIL_PAUSE_SECONDS", 0)


def email_backend() -> str | None:
    """A dedicated backend for digests (None: Django's EMAIL_BACKEND)."""
    return getattr(settings, "NOTIFICATIONS_EMAIL_BACKEND", None)
