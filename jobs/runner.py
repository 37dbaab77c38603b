"""Background jobs are rows first, messages second.

A request commits its job row and answers at once, whatever the state of the queue:
- with a broker (`CELERY_BROKER_URL`), the task is sent after the commit; if the broker is
  unreachable the row stays "en file d'attente" and the periodic sweep sends it again;
- without a broker (a laptop, `make run`), the task runs in a thread of the web process, so
  the upload page answers and shows its progress while the import runs;
- under tests (`JOBS_RUN_INLINE`), it runs in the commit callback, deterministically.

Each job kind claims its row atomically before working (see `claim`), so a message delivered
twice (the sweep's and the broker's redelivery after a worker was killed) runs the job once.
"""

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    """One kind of durable job: its model, its Celery task (taking the row's pk), the
    statuses meaning "waiting" and "running", and the name of the model's status field."""

    model: object
    task: object
    pending: tuple
    running: tuple
    field: str = "status"


_kinds: dict[str, JobKind] = {}


def register(name: str, kind: JobKind) -> None:
    _kinds[name] = kind


def kinds() -> dict[str, JobKind]:
    return dict(_kinds)


def has_broker() -> bool:
    return bool(getattr(settings, "CELERY_BROKER_URL", ""))


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "JOBS_STALE_AFTER_SECONDS", 600))


def enqueue(task, job_id: int, *, on_commit: bool = True) -> None:
    """Send `task(job_id)` once the current transaction commits (see the module docstring)."""

    def send():
        if getattr(settings, "JOBS_RUN_INLINE", False):
            task.apply(args=[job_id])
        elif not has_broker():
            threading.Thread(
                target=_run_in_thread, args=(task, job_id), daemon=True, name=f"job-{job_id}"
            ).start()
        else:
            try:
                task.apply_async(args=[job_id], retry=False)
            except Exception as exc:  # noqa: BLE001 (any broker failure: the sweep resends)
                logger.warning(
                    "File d'attente injoignable (%s) : la tâche %s attendra le balayage.",
                    type(exc).__name__,
                    job_id,
                )

    if on_commit:
        transaction.on_commit(send)
    else:
        send()


def _run_in_thread(task, job_id):
    close_old_connections()
    try:
        task.apply(args=[job_id])
    finally:
        close_old_connections()


def claim(model, job_id: int, *, pending, running, to_status, now=None) -> bool:
    """Take the job for this worker: from a waiting status, or from a running one whose
    heartbeat stopped (its worker died). One UPDATE, so two workers cannot both win."""
    from django.db.models import F, Q

    now = now or timezone.now()
    stale = now - stale_after()
    return bool(
        model.objects.filter(pk=job_id)
        .filter(
            Q(status__in=pending)
            | Q(status__in=running, heartbeat_at__lt=stale)
            | Q(status__in=running, heartbeat_at__isnull=True)
        )
        .update(status=to_status, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
    )


def sweep(now=None) -> int:
    """Send again the jobs waiting for more than a minute and those whose worker died."""
    import datetime as dt

    from django.db.models import Q

    now = now or timezone.now()
    waited = now - dt.timedelta(seconds=getattr(settings, "JOBS_RESEND_AFTER_SECONDS", 60))
    stale = now - stale_after()
    sent = 0
    for kind in _kinds.values():
        ids = list(
            kind.model.objects.filter(
                Q(**{f"{kind.field}__in": kind.pending}, enqueued_at__lt=waited)
                | Q(**{f"{kind.field}__in": kind.pending}, enqueued_at__isnull=True)
                | Q(**{f"{kind.field}__in": kind.running}, heartbeat_at__lt=stale)
            ).values_list("pk", flat=True)[:500]
        )
        for job_id in ids:
            kind.model.objects.filter(pk=job_id).update(enqueued_at=now)
            enqueue(kind.task, job_id, on_commit=False)
            sent += 1
    return sent


def relaunch(kind_name: str, job) -> None:
    """An administrator's relaunch: the job goes back to waiting and is sent again."""
    kind = _kinds[kind_name]
    kind.model.objects.filter(pk=job.pk).update(
        **{kind.field: kind.pending[0]}, enqueued_at=timezone.now(), finished_at=None
    )
    enqueue(kind.task, job.pk)
