"""Settings of the reports app, read with defaults so no settings file needs editing."""

from django.conf import settings

from . import rules


def mask_threshold() -> int:
    return rules.SMALL_CELL_THRESHOLD()


def api_client_default_rate() -> str:
    """Throttle rate of an API client without its own rate (DRF syntax: "1000/hour")."""
    return getattr(settings, "REPORTS_API_CLIENT_RATE", "2000/hour")


def csv_chunk_size() -> int:
    return getattr(settings, "REPORTS_CSV_CHUNK_SIZE", 2000)
