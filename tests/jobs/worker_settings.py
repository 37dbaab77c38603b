"""Settings of the real Celery worker started by test_queue_outage.py: the test settings, with
jobs sent through the broker and the test's own queue and media folder."""

import os

from config.settings.test import *  # noqa: F403

JOBS_RUN_INLINE = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["JOBS_TEST_QUEUE"]
MEDIA_ROOT = os.environ["JOBS_TEST_MEDIA_ROOT"]
JOBS_STALE_AFTER_SECONDS = int(os.environ.get("JOBS_TEST_STALE_SECONDS", "600"))
# Letter batches: small chunks so that a test kills a worker in the middle of one.
DOSSIERS_BATCH_CHUNK_SIZE = int(os.environ.get("JOBS_TEST_LETTER_CHUNK", "200"))
DOSSIERS_BATCH_GROUP_SIZE = int(os.environ.get("JOBS_TEST_LETTER_GROUP", "25"))
