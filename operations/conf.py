from django.conf import settings

BEAT_HEARTBEAT = "beat"


def beat_max_age_seconds() -> int:
    """After this long without a heartbeat, readiness says the scheduler or the workers stopped
    (the heartbeat task runs every HEARTBEAT_EVERY_SECONDS)."""
    return getattr(settings, "HEALTHZ_BEAT_MAX_AGE", 10 * 60)


def check_timeout_seconds() -> float:
    return getattr(settings, "HEALTHZ_TIMEOUT", 2.0)


HEARTBEAT_EVERY_SECONDS = 120
