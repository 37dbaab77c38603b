"""Log lines carry the request id, the account id and the active role, never personal data.

Production writes one JSON object per line to stdout (python-json-logger); `make run` and the
tests keep Django's plain text. Values are read from the request being served (see
config.middleware.RequestContextMiddleware), without triggering any database query.
"""

import logging

from django.utils.functional import empty

from .middleware import request_context


def _resolved_user(request):
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:
        return None  # not loaded yet: reading it would query the database from a log call
    return wrapped if getattr(wrapped, "is_authenticated", False) else None


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, `user_id` and `role` to every record (empty outside a request)."""

    def filter(self, record):
        context = request_context.get() or {}
        record.request_id = context.get("request_id", "")
        record.user_id = None
        record.role = ""
        request = context.get("request")
        user = _resolved_user(request) if request is not None else None
        if user is not None:
            record.user_id = user.pk
            role = getattr(user, "active_role", None)
            record.role = getattr(role, "role", "") or ""
        return True


JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(role)s"


def json_logging(level: str) -> dict:
    """LOGGING for production: JSON lines on stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "config.logging.RequestContextFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": JSON_FORMAT,
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "timestamp": False,
            }
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # The access log of gunicorn carries full URLs (query strings may hold a name):
            # it is switched off in the compose file, this middleware's lines replace it.
            "django.security.DisallowedHost": {"level": "ERROR"},
        },
    }
