"""Benchmarks: production code paths (DEBUG off, no static autorefresh) on a local database."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Password login for the demo accounts; the second factor stays required for administrators.
os.environ.setdefault("PASSWORD_LOGIN_ENABLED", "true")
os.environ.setdefault("SECOND_FACTOR_FOR_PASSWORD_LOGIN", "false")

from .base import *  # noqa: E402,F403
from .base import STORAGES  # noqa: E402

DEBUG = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
