"""Laptop settings (`make run`): embedded SQLite, tasks in-process, e-mails on the console.

DEBUG is off unless DEBUG=true, so that the French 403/404/500 pages show as in production;
static files are served by WhiteNoise straight from the app folders either way.
"""

import os
import sys

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("ACADEMIE_NAME", "Académie de Créteil")
# Password login for the demo accounts; the second factor stays required for administrators.
os.environ.setdefault("PASSWORD_LOGIN_ENABLED", "true")
os.environ.setdefault("SECOND_FACTOR_FOR_PASSWORD_LOGIN", "false")

from .base import *  # noqa: E402,F403
from .base import CELERY_BROKER_URL, STORAGES, env  # noqa: E402

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
SESSION_COOKIE_SECURE = False
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=False)
# Without a broker the web server runs tasks (imports, sweeps, letters) in a background thread,
# so an upload page answers at once; commands keep running them in their own thread.
TASKS_IN_BACKGROUND_THREAD = not CELERY_BROKER_URL and env.bool(
    "TASKS_IN_BACKGROUND_THREAD", default=sys.argv[1:2] == ["runserver"]
)
