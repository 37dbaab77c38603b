"""Settings of the real Celery worker started by test_celery_worker.py.

The test settings, plus a file-based e-mail backend the test process can read (locmem lives
in one process) and the test's own queue, so parallel runs on one Redis do not mix.
"""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["NOTIFICATIONS_TEST_MAIL_DIR"]
NOTIFICATIONS_MAIL_PAUSE_SECONDS = float(os.environ.get("NOTIFICATIONS_TEST_MAIL_PAUSE", "0"))
CELERY_TASK_DEFAULT_QUEUE = os.environ["NOTIFICATIONS_TEST_QUEUE"]
