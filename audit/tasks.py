from celery import shared_task
from django.utils import timezone

from .retention import apply_retention


@shared_task(acks_late=True)
def apply_retention_task():
    """Daily: warn, then anonymise inactive records. Idempotent (re-running changes nothing)."""
    report = apply_retention(today=timezone.localdate(), now=timezone.now())
    return {"warned": report.warned, "anonymised": report.anonymised}
