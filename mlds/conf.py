"""Settings of the MLDS app, read with defaults so that the project settings need no edit."""

from django.conf import settings

from . import rules


def contact_days() -> int:
    return rules.CONTACT_DAYS()


def bilan_days() -> int:
    return rules.BILAN_DAYS()


def siei_max_rows() -> int:
    return int(getattr(settings, "MLDS_SIEI_MAX_ROWS", 200_000))
