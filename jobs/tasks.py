from celery import shared_task

from . import runner


@shared_task(name="jobs.sweep", acks_late=True)
def sweep() -> int:
    """Periodic: resend jobs left waiting (broker down) or running on a dead worker."""
    return runner.sweep()
