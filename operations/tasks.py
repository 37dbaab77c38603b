from celery import shared_task

from . import services


@shared_task(name="operations.heartbeat", acks_late=True, ignore_result=True)
def heartbeat() -> None:
    """Run by beat every two minutes: proves the scheduler, the broker and a worker all work."""
    services.record_heartbeat()
