"""Production logs: one JSON object per line on stdout, with the request id, the account id
and the active role, and no personal data (no query string, no name)."""

import io
import json
import logging.config

import pytest
from django.conf import settings

from config.logging import json_logging

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_stdout():
    logging.config.dictConfig(json_logging("INFO"))
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def test_request_lines_carry_ids_and_no_personal_data(world, client_for, json_stdout):
    StudentFactory(current_school=world.school_a, last_name="Durand", ine="123456789AB")
    client = client_for(world.users.chef_a)
    client.get("/eleves/", {"q": "Durand 123456789AB"}, HTTP_X_REQUEST_ID="req-0001-abcdef")
    logging.getLogger("secuparcours.imports").warning("Import refusé : %s erreur(s)", 3)

    text = json_stdout.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    request = next(line for line in lines if line["logger"] == "secuparcours.requests")
    assert request["message"] == "GET eleves/ 200"
    assert request["request_id"] == "req-0001-abcdef"
    assert request["user_id"] == world.users.chef_a.pk
    assert request["role"] == world.users.chef_a.roles[0].role
    assert request["status"] == 200 and request["duration_ms"] >= 0
    assert {"time", "level"} <= set(request)
    outside = next(line for line in lines if line["logger"] == "secuparcours.imports")
    assert outside["message"] == "Import refusé : 3 erreur(s)" and outside["request_id"] == ""
    assert "Durand" not in text and "DURAND" not in text and "123456789AB" not in text


def test_a_forged_request_id_is_replaced(world, client_for, json_stdout):
    response = client_for(world.users.chef_a).get("/", HTTP_X_REQUEST_ID='x"\n{evil}')
    assert response["X-Request-ID"] != 'x"\n{evil}' and len(response["X-Request-ID"]) == 32
