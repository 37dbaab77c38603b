"""Production: HTTPS only, secure cookies, HSTS. Everything else from the environment."""

from ..logging import json_logging
from .base import *  # noqa: F403
from .base import CACHE_URL, CELERY_BROKER_URL, env

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
LOGGING = json_logging(env("LOG_LEVEL", default="INFO"))
# Celery workers and beat keep Django's (JSON) logging instead of installing their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Several gunicorn workers (and machines) share the API throttles and cached values only
# through Redis: without CACHE_URL, the broker's Redis serves as cache too.
if not CACHE_URL and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CELERY_BROKER_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="secuparcours"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
