"""Sentry receives errors without personal data: the scrubber on a realistic event, and the
real SDK capturing a failing request (with a transport that keeps the events here)."""

import pytest
import sentry_sdk
from django.test import Client
from django.urls import path

from accounts.perms import AUTHENTICATED, access
from config.sentry import init_sentry, scrub_event, scrub_text
from students.models import Student

from ..students.factories import StudentFactory


def realistic_event():
    """The shape sentry-sdk's Django integration sends for an exception in a view."""
    return {
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "ValidationError",
                    "value": "['Élève DURAND Léa (INE 123456789AB) déjà inscrit, "
                    "contact : lea.durand@example.org, 06 12 34 56 78, née le 12/03/2009']",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "students/services.py",
                                "function": "enrol",
                                "vars": {"student": "<Student: DURAND Léa>", "ine": "123456789AB"},
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "url": "https://secuparcours.example/eleves/?q=Durand&ine=123456789AB",
            "method": "POST",
            "query_string": "q=Durand&ine=123456789AB",
            "data": {"last_name": "DURAND", "first_name": "Léa"},
            "cookies": {"sessionid": "abc"},
            "headers": {
                "Cookie": "sessionid=abc",
                "Authorization": "Token 0123456789abcdef",
                "User-Agent": "Mozilla/5.0",
                "Referer": "https://secuparcours.example/eleves/?q=Durand",
            },
            "env": {"REMOTE_ADDR": "10.1.2.3"},
        },
        "user": {"id": 42, "username": "chef.lycee", "email": "chef@ac-creteil.fr"},
        "breadcrumbs": {
            "values": [
                {"category": "django.request", "message": "Dossier de MARTIN Jean-Pierre ouvert"},
                {"category": "httplib", "data": {"url": "https://api.example/?ine=1234567890A"}},
            ]
        },
        "extra": {"sys.argv": ["manage.py"], "note": "envoyé à parent.martin@free.fr"},
        "logentry": {"message": "Import : LE GALL Anne-Marie refusée", "params": []},
    }


def test_scrubber_removes_every_personal_datum_of_a_realistic_event():
    event = scrub_event(realistic_event())
    text = repr(event)
    for secret in (
        "DURAND",
        "Durand",
        "Léa",
        "123456789AB",
        "1234567890A",
        "@example.org",
        "free.fr",
        "06 12 34",
        "12/03/2009",
        "MARTIN",
        "LE GALL",
        "chef.lycee",
        "ac-creteil",
        "sessionid",
        "Token 0123",
        "10.1.2.3",
    ):
        assert secret not in text, (secret, text[max(text.find(secret) - 300, 0) :][:400])
    assert event["user"] == {"id": 42}
    assert event["request"]["url"] == "https://secuparcours.example/eleves/"
    assert event["request"]["headers"] == {"User-Agent": "Mozilla/5.0"}
    assert event["exception"]["values"][0]["type"] == "ValidationError"
    assert "déjà inscrit" in event["exception"]["values"][0]["value"]


def test_domain_words_survive():
    assert scrub_text("Suivi MLDS ouvert par le GPDS (PAFI refusé)") == (
        "Suivi MLDS ouvert par le GPDS (PAFI refusé)"
    )


@access(AUTHENTICATED)
def failing_view(request):
    student = Student.objects.get()
    raise RuntimeError(f"Échec pour {student} ({student.ine}, {student.email})")


urlpatterns = [path("boom/", failing_view)]


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.test_sentry")
def test_the_sdk_sends_failing_requests_scrubbed(world):
    StudentFactory(last_name="Bernard", first_name="Zoé", ine="123456789AB", email="zb@free.fr")
    events = []

    class KeepHere(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope):
            events.extend(item.payload.json for item in envelope.items if item.type == "event")

    init_sentry(dsn="https://public@sentry.example/1", environment="test", transport=KeepHere)
    try:
        client = Client(raise_request_exception=False)
        client.force_login(world.users.chef_a)
        response = client.post("/boom/?q=Bernard", {"nom": "BERNARD", "prenom": "Zoé"})
        sentry_sdk.flush()
    finally:
        sentry_sdk.init(dsn=None)
    assert response.status_code == 500
    assert events, "aucun événement capturé"
    text = repr(events)
    assert "RuntimeError" in text
    for secret in ("BERNARD", "Bernard", "Zoé", "123456789AB", "zb@", "chef_a", "sessionid"):
        assert secret not in text, (secret, text[max(text.find(secret) - 300, 0) :][:400])
