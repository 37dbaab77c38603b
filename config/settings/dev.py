"""Laptop settings: embedded SQLite, tasks in-process, e-mails on the console."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("ACADEMIE_NAME", "Académie de Créteil")
# Password login for the demo accounts; the second factor stays required for administrators.
os.environ.setdefault("PASSWORD_LOGIN_ENABLED", "true")
os.environ.setdefault("SECOND_FACTOR_FOR_PASSWORD_LOGIN", "false")

from .base import *  # noqa: E402,F403
from .base import STORAGES  # noqa: E402

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
SESSION_COOKIE_SECURE = False
WHITENOISE_AUTOREFRESH = True
