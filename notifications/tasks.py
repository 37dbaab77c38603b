"""Thin Celery tasks: ids in, call a service, idempotent. Nothing lives only in Redis: a lost
task is caught up from PostgreSQL by the next sweep or the hourly retry."""

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import calendar, services

# Only the database being briefly unreachable is worth a task retry; mail errors are recorded
# on the digest and retried with backoff by `retry_failed_sends`.
TRANSIENT = (OperationalError, InterfaceError)
RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


def _day(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="notifications.run_daily_sweep", **RETRY)
def run_daily_sweep(day: str | None = None) -> dict:
    result = services.run_daily_sweep(today=_day(day))
    return {
        "jour": result.day.isoformat(),
        "echeances_dues": result.due_deadlines,
        "rappels_crees": result.reminders_created,
        "ages_crees": result.age_deadlines_created,
    }


@shared_task(name="notifications.run_results_day_sweep", **RETRY)
def run_results_day_sweep() -> dict | None:
    """Beat runs this in the afternoon; it sweeps again only on a results day."""
    today = timezone.localdate()
    if not calendar.is_results_day(today):
        return None
    return run_daily_sweep(today.isoformat())


@shared_task(name="notifications.send_digests", **RETRY)
def send_digests(day: str | None = None) -> int:
    ids = services.prepare_digests(today=_day(day))
    for digest_id in ids:
        deliver_digest.delay_on_commit(digest_id)
    return len(ids)


@shared_task(name="notifications.retry_failed_sends", **RETRY)
def retry_failed_sends() -> int:
    ids = services.digests_to_retry()
    for digest_id in ids:
        deliver_digest.delay_on_commit(digest_id)
    return len(ids)


@shared_task(name="notifications.deliver_digest", **RETRY)
def deliver_digest(digest_id: int) -> str:
    return services.deliver_digest(digest_id=digest_id)
