import logging
import os
from concurrent.futures import ThreadPoolExecutor

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

logger = logging.getLogger(__name__)
_background = None


class Task(DjangoTask):
    """Without a broker, `TASKS_IN_BACKGROUND_THREAD` (the `make run` server) runs a task in a
    thread of this process instead of in the request that queued it: the page answers at once,
    and the task reports its progress through the database like a worker would."""

    def apply_async(self, args=None, kwargs=None, **options):
        from django.conf import settings

        if self.app.conf.task_always_eager and settings.TASKS_IN_BACKGROUND_THREAD:
            _executor().submit(_run_in_thread, self, args or (), kwargs or {})
            return None
        return super().apply_async(args, kwargs, **options)


def _executor() -> ThreadPoolExecutor:
    global _background
    if _background is None:
        _background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="taches")
    return _background


def _run_in_thread(task, args, kwargs):
    from django.db import connections

    try:
        task.apply(args, kwargs, throw=True)
    except Exception:
        logger.exception("Tâche %s en échec", task.name)
    finally:
        connections.close_all()


app = Celery("secuparcours", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
