"""Property-based run of the whole OpenAPI schema (every endpoint of every app) as three
callers: a school head's token, a département's token and a report client's key. No answer
may be a 5xx or contradict the schema (status code, content type, body).

Bounded for CI: a few examples per operation and caller, no shrinking.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from reports.api.schema import add_error_responses
from reports.enums import ClientRights
from reports.services import issue_api_client

from .factories import EnrolmentFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]
EXAMPLES = 4


def load_schema(mode=GenerationMode.POSITIVE):
    """The schema as /api/schema/ serves it (same generator, every endpoint)."""
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(json.dumps(raw, default=str))
    # The hook is meant to be registered in SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"];
    # applying it again is a no-op (it only fills responses a view left undocumented).
    add_error_responses(raw, None, None, True)
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.config.generation.update(modes=[mode], max_examples=EXAMPLES)
    loaded.app = get_wsgi_application()
    if mode == GenerationMode.NEGATIVE:
        # No parameter, no body: there is nothing to send that the schema forbids.
        loaded = loaded.exclude(path="/api/v1/indicateurs/", method="GET")
    return loaded


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: requests must not close the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def callers(world, keep_test_connection):
    for school in (world.school_a, world.school_b, world.school_c, world.school_d):
        EnrolmentFactory(student__current_school=school, school=school, abandon=True)
        EnrolmentFactory(student__current_school=school, school=school)
    _, key = issue_api_client(
        name="BI rectorat", rights=ClientRights.NOMINATIVE_READ, departement=world.dep1
    )
    return {
        "chef_etablissement": f"Token {Token.objects.create(user=world.users.chef_a).key}",
        "departement": f"Token {Token.objects.create(user=world.users.dasen1).key}",
        "client_rapports": f"Api-Key {key}",
    }


schema = load_schema()
negative_schema = load_schema(GenerationMode.NEGATIVE)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_fails_nor_contradicts_its_schema(case, callers):
    cache.clear()  # throttling buckets: the run must not hit rate limits
    for authorization in callers.values():
        case.call_and_validate(headers={"Authorization": authorization}, checks=CHECKS)


@pytest.mark.django_db
@negative_schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_rejects_what_its_schema_forbids(case, callers):
    """Negative data (wrong types, out-of-range numbers, unknown choices, malformed ids): a 4xx
    in the documented shape, never a 2xx nor a 5xx."""
    cache.clear()
    for authorization in callers.values():
        case.call_and_validate(headers={"Authorization": authorization}, checks=NEGATIVE_CHECKS)


def test_served_schema_is_the_tested_one(world, client_for):
    served = client_for(world.users.admin).get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    assert set(served.json()["paths"]) == set(schema.raw_schema["paths"])


def test_the_schema_covers_the_report_endpoints_and_their_errors():
    raw = schema.raw_schema
    ops = {path: item for path, item in raw["paths"].items() if "indicateurs" in path}
    assert set(ops) >= {
        "/api/v1/indicateurs/",
        "/api/v1/indicateurs/{famille}/",
        "/api/v1/indicateurs/{famille}/csv/",
    }
    read = ops["/api/v1/indicateurs/{famille}/"]["get"]
    assert set(read["responses"]) >= {"200", "400", "401", "403", "404", "429"}
    params = {p["name"] for p in read["parameters"]}
    assert params >= {"territoire", "par", "departement", "voie", "niveau", "annee", "page"}
    assert "cleApi" in raw["components"]["securitySchemes"]


def test_the_docket_answers_what_its_schema_says(world, keep_test_connection, api_for):
    """A session with a transmitted dossier: the docket is a page of dossiers, as documented."""
    from ..dossiers.factories import DossierFactory, SessionFactory

    DossierFactory(student__current_school=world.school_a, transmitted=True)
    session = SessionFactory(commission__departement=world.dep1)
    token = Token.objects.create(user=world.users.ienio1).key
    operation = schema["/api/v1/reprepa/seances/{id}/docket/"]["GET"]
    case = operation.Case(path_parameters={"id": str(session.public_id)})
    response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
    assert response.status_code == 200
    assert response.json()["count"] == 1
