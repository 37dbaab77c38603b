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
    """Render a batch of letters (idempotent; see services.run_batch)."""
    services.run_batch(batch_id=batch_id)
