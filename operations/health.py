"""Liveness and readiness checks. Each check says what it tested and, on failure, why, in
French; none reveals a secret (no URL, no password) nor any personal data."""

import time
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import conf


@dataclass
class Check:
    ok: bool
    ms: float = 0.0
    detail: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self):
        data = asdict(self)
        data.update(data.pop("extra"))
        return {k: v for k, v in data.items() if v != ""}


def _timed(fn) -> Check:
    started = time.monotonic()
    try:
        check = fn()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        check = Check(ok=False, detail=f"{type(exc).__name__} : {str(exc)[:200]}")
    check.ms = round((time.monotonic() - started) * 1000, 1)
    return check


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(ok=True)


def check_broker() -> Check:
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_timeout=conf.check_timeout_seconds(),
        socket_connect_timeout=conf.check_timeout_seconds(),
    )
    try:
        client.ping()
    finally:
        client.close()
    return Check(ok=True)


def check_beat() -> Check:
    from django_celery_beat.models import PeriodicTask

    from .models import Heartbeat

    max_age = conf.beat_max_age_seconds()
    beat = Heartbeat.objects.filter(name=conf.BEAT_HEARTBEAT).values_list("at", flat=True).first()
    sweep = (
        PeriodicTask.objects.filter(task="notifications.run_daily_sweep")
        .values_list("last_run_at", flat=True)
        .first()
    )
    extra = {
        "dernier_battement": beat.isoformat() if beat else None,
        "age_max_s": max_age,
        "dernier_balayage": sweep.isoformat() if sweep else None,
    }
    if beat is None:
        return Check(ok=False, detail="Aucun battement du planificateur reçu.", extra=extra)
    age = (timezone.now() - beat).total_seconds()
    extra["age_s"] = round(age)
    if age > max_age:
        return Check(
            ok=False,
            detail="Planificateur (beat) ou workers arrêtés : dernier battement trop ancien.",
            extra=extra,
        )
    return Check(ok=True, extra=extra)


def readiness() -> tuple[bool, dict]:
    """Database always; Redis and the beat heartbeat when a broker is configured (without one,
    on a laptop, tasks run in the web process and there is no beat)."""
    checks = {"base_de_donnees": _timed(check_database)}
    if settings.CELERY_BROKER_URL:
        checks["redis"] = _timed(check_broker)
        checks["planificateur"] = (
            _timed(check_beat)
            if checks["base_de_donnees"].ok
            else Check(ok=False, detail="Non vérifié : base de données indisponible.")
        )
    ok = all(c.ok for c in checks.values())
    return ok, {name: c.as_dict() for name, c in checks.items()}
