"""Settings of the prevention app. The rules are declared in rules.py (listed on « Règles en
vigueur »); these accessors keep the call sites unchanged.
"""

from django.conf import settings

from . import rules


def expected_half_days() -> int:
    """Half-days of class expected in a month when the file gives none (9 a week × 4 weeks)."""
    return rules.EXPECTED_HALF_DAYS()


def min_attendance_rate() -> float:
    """Attendance below this rate over the last month raises a signal (early-warning practice)."""
    return float(rules.MIN_ATTENDANCE_RATE())


def attendance_drop() -> float:
    """A month-over-month fall of attendance of at least this much (0.10 = 10 points)."""
    return float(rules.ATTENDANCE_DROP())


def unjustified_half_days() -> int:
    """Unjustified half-days in one month (code de l'éducation L.131-8 uses 4)."""
    return rules.UNJUSTIFIED_HALF_DAYS()


def incidents_per_month() -> int:
    return rules.INCIDENTS_PER_MONTH()


def grade_drop() -> float:
    """A fall of the term average of at least this many points (out of 20)."""
    return float(rules.GRADE_DROP())


def pafi_validator_role() -> str:
    """Who validates a PAFI for the département: "ien_io" (default) or "ia_dasen" (domain §10.8)."""
    return rules.PAFI_VALIDATOR_ROLE()


def tdo_months() -> int:
    """Length of Tous droits ouverts: 4 months in Grand Est (seed 002), national rule uncertain."""
    return rules.TDO_MONTHS()


def validation_days() -> int:
    """Days the département is given to decide on a dérogatoire path once transmitted."""
    return rules.VALIDATION_DAYS()


def bilan_interval_days() -> int:
    """Default gap between two interim reviews of a running path."""
    return rules.BILAN_INTERVAL_DAYS()


def ending_soon_days() -> int:
    return rules.ENDING_SOON_DAYS()


def import_max_rows() -> int:
    return int(getattr(settings, "PREVENTION_IMPORT_MAX_ROWS", 500_000))
