"""Cross-cutting HTTP middleware: no caching of personal data, request context for the logs."""

import contextvars
import logging
import re
import time
import uuid

from django.utils.cache import add_never_cache_headers

# Read by the JSON log formatter (config.logging), set for the duration of one request.
request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "request_context", default=None
)
REQUEST_ID_HEADER = "X-Request-ID"
request_logger = logging.getLogger("secuparcours.requests")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class NoStoreMiddleware:
    """Every dynamic response (pages, API, exports, PDF) may carry a pupil's data: no browser,
    proxy or shared cache keeps it. Static files are answered earlier by whitenoise, with their
    own long-lived caching; a view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class RequestContextMiddleware:
    """Gives each request an id (the reverse proxy's X-Request-ID when it is well-formed, else a
    new one), echoed in the response and attached, with the account id and active role, to
    every log line of the request. Never a name, an e-mail or a query string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_context.set({"request_id": request_id, "request": request})
        started = time.monotonic()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            # The route pattern ("eleves/<uuid:public_id>/"), never the query string.
            request_logger.info(
                "%s %s %s",
                request.method,
                match.route if match else "(non résolue)",
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
        finally:
            request_context.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response
