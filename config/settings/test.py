"""Test settings: same code paths as production, strict templates, fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Password login for the demo accounts; the second factor stays required for administrators.
os.environ.setdefault("PASSWORD_LOGIN_ENABLED", "true")
os.environ.setdefault("SECOND_FACTOR_FOR_PASSWORD_LOGIN", "false")

from .base import *  # noqa: E402,F403
from .base import DATABASES, INSTALLED_APPS, REST_FRAMEWORK, STORAGES, TEMPLATES  # noqa: E402

# The worked example of the README's "Conventions" (a small workflow), registered only here.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_example"]

DEBUG = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/secuparcours-test-media")
AXES_ENABLED = True
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"user": "100000/hour", "anon": "100000/hour"}


class InvalidTemplateVariable(str):
    """Makes an undefined variable in {{ }} fail the test instead of rendering ''."""

    def __mod__(self, other):
        raise NameError(f"Variable de gabarit indéfinie : {other}")


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")
WHITENOISE_AUTOREFRESH = True
# Background jobs run in the commit callback, so that tests see their outcome at once.
JOBS_RUN_INLINE = True
AXES_VERBOSE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# A second database standing for the read replica (tests/reports/test_replica.py routes the
# report reads to it); only the tests that ask for it create it. A replica is never migrated
# (it receives the primary's schema by replication): its tables are created from the models.
if "replica" not in DATABASES:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIGRATE": False}}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["replica"]["NAME"] = ":memory:"
    else:
        DATABASES["replica"]["NAME"] = f"{DATABASES['default']['NAME']}_replica"
