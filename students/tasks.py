from celery import shared_task

from . import services


@shared_task(acks_late=True)
def process_import_job(job_id: int) -> None:
    """Import one uploaded pupil file (ids only; the service reloads and is idempotent)."""
    services.run_import_job(job_id=job_id)
