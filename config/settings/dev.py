"""Laptop settings: embedded SQLite, tasks in-process, e-mails on the console."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("ACADEMIE_NAME", "Académie de Créteil")

from .base import *  # noqa: E402,F403
from .base import STORAGES  # noqa: E402

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
SESSION_COOKIE_SECURE = False
WHITENOISE_AUTOREFRESH = True
