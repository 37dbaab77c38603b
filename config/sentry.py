"""Sentry error tracking with personal data scrubbed before anything leaves the server.

The SDK is told not to collect personal data (no user e-mail or IP, no request body, no local
variables of the stack frames); `scrub_event` then removes what could still carry a pupil's
identity: query strings and cookies, the user beyond its id, and, in every remaining text
(exception messages, log messages, breadcrumbs, extra data), e-mail addresses, INE, phone
numbers, dates and names written the way the application writes them ("DURAND Léa").
"""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

FILTERED = "[filtré]"
KEPT_HEADERS = {"user-agent", "content-type", "content-length", "x-request-id", "accept"}
PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[courriel]"),
    # INE: 10 digits and a letter, or 9 digits and 2 letters (national identifiers).
    (re.compile(r"\b\d{9}[A-Za-z]{2}\b|\b\d{10}[A-Za-z]\b"), "[INE]"),
    (re.compile(r"(?:\+33\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b"), "[téléphone]"),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b"), "[date]"),
    # "DURAND Léa", "LE GALL Anne-Marie": one or more upper-case words, then a capitalised one.
    (
        re.compile(
            r"\b[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+)*"
            r"\s+[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?"
        ),
        "[nom]",
    ),
]


def scrub_text(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scrub(value):
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event, hint=None):
    """`before_send` (and `before_send_transaction`): returns the event without personal data."""
    request = event.get("request")
    if request:
        url = request.get("url") or ""
        request["url"] = url.split("?", 1)[0]
        for key in ("query_string", "data", "cookies", "env"):
            if request.get(key):
                request[key] = FILTERED
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if user.get("id") else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = scrub_text(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for key in ("message", "logentry", "extra", "contexts", "tags", "breadcrumbs", "logger"):
        if key in event:
            event[key] = _scrub(event[key])
    if "transaction" in event:
        event["transaction"] = scrub_text(str(event["transaction"]).split("?", 1)[0])
    return event


def scrub_breadcrumb(crumb, hint=None):
    crumb = _scrub(crumb)
    data = crumb.get("data")
    if isinstance(data, dict) and "url" in data:
        data["url"] = str(data["url"]).split("?", 1)[0]
    return crumb


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float = 0.0, **options) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(),
        ],
        # Collect no identity, cookie, header value, body, query string, SQL parameter nor
        # stack-frame variable in the first place; scrub_event removes what remains.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        **options,
    )
