from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="dossiers.render_batch",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def render_batch(batch_id: int) -> None:
    """Render chunks of a batch of letters, with any other worker on it, and merge them once
    all are done (idempotent and safe concurrently; see services.run_batch)."""
    services.run_batch(batch_id=batch_id)
