from celery import shared_task

from . import runner


@shared_task(name="jobs.sweep", acks_late=True)
def sweep() -> int:
    """Periodic: resend jobs left waiting (broker down) or running on a dead worker."""
    return runner.sweep()


@shared_task(name="jobs.process_upload", acks_late=True)
def process_upload_job(job_id: int) -> None:
    """Import one uploaded file (results, SIEI, absences); the service reloads and claims it."""
    from .uploads import run_upload_job

    run_upload_job(job_id=job_id)
