"""Settings of the prevention app, read with defaults so the project settings need no edit.

Override any of them in the settings module (or the environment through it).
"""

from django.conf import settings


def _get(name, default):
    return getattr(settings, name, default)


def expected_half_days() -> int:
    """Half-days of class expected in a month when the file gives none (9 a week × 4 weeks)."""
    return int(_get("PREVENTION_EXPECTED_HALF_DAYS", 36))


def min_attendance_rate() -> float:
    """Attendance below this rate over the last month raises a signal (early-warning practice)."""
    return float(_get("PREVENTION_MIN_ATTENDANCE_RATE", 0.90))


def attendance_drop() -> float:
    """A month-over-month fall of attendance of at least this much (0.10 = 10 points)."""
    return float(_get("PREVENTION_ATTENDANCE_DROP", 0.10))


def unjustified_half_days() -> int:
    """Unjustified half-days in one month (code de l'éducation L.131-8 uses 4)."""
    return int(_get("PREVENTION_UNJUSTIFIED_HALF_DAYS", 4))


def incidents_per_month() -> int:
    return int(_get("PREVENTION_INCIDENTS_PER_MONTH", 2))


def grade_drop() -> float:
    """A fall of the term average of at least this many points (out of 20)."""
    return float(_get("PREVENTION_GRADE_DROP", 2.0))


def pafi_validator_role() -> str:
    """Who validates a PAFI for the département: "ien_io" (default) or "ia_dasen" (domain §10.8)."""
    return str(_get("PREVENTION_PAFI_VALIDATOR_ROLE", "ien_io"))


def tdo_months() -> int:
    """Length of Tous droits ouverts: 4 months in Grand Est (seed 002), national rule uncertain."""
    return int(_get("PREVENTION_TDO_MONTHS", 4))


def validation_days() -> int:
    """Days the département is given to decide on a dérogatoire path once transmitted."""
    return int(_get("PREVENTION_VALIDATION_DAYS", 15))


def bilan_interval_days() -> int:
    """Default gap between two interim reviews of a running path."""
    return int(_get("PREVENTION_BILAN_INTERVAL_DAYS", 42))


def ending_soon_days() -> int:
    return int(_get("PREVENTION_ENDING_SOON_DAYS", 30))


def import_max_rows() -> int:
    return int(_get("PREVENTION_IMPORT_MAX_ROWS", 500_000))
