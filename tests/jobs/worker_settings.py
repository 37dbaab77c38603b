"""Settings of the real Celery worker started by test_queue_outage.py: the test settings, with
jobs sent through the broker and the test's own queue and media folder."""

import os

from config.settings.test import *  # noqa: F403

JOBS_RUN_INLINE = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["JOBS_TEST_QUEUE"]
MEDIA_ROOT = os.environ["JOBS_TEST_MEDIA_ROOT"]
JOBS_STALE_AFTER_SECONDS = int(os.environ.get("JOBS_TEST_STALE_SECONDS", "600"))
