"""Settings of the MLDS app, read with defaults so that the project settings need no edit."""

import datetime as dt

from django.conf import settings

from . import rules


def contact_days() -> int:
    return int(getattr(settings, "MLDS_CONTACT_DAYS", rules.DEFAULT_CONTACT_DAYS))


def bilan_days() -> int:
    return int(getattr(settings, "MLDS_BILAN_DAYS", rules.DEFAULT_BILAN_DAYS))


def configured_rentrees() -> dict[int, dt.date]:
    """`MLDS_RENTREE_DATES = {2025: "2025-09-01"}` in settings overrides the computed default."""
    raw = getattr(settings, "MLDS_RENTREE_DATES", {}) or {}
    return {int(year): dt.date.fromisoformat(str(day)) for year, day in raw.items()}


def siei_max_rows() -> int:
    return int(getattr(settings, "MLDS_SIEI_MAX_ROWS", 200_000))
