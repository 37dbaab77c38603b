"""The README's recipe, followed end to end: a small workflow (a certificate request) declared
in a test app gets a page action, an API action, its log and one success under a double
action, with no dispatch code of its own."""

import datetime as dt
from functools import partial

import pytest

from tests.workflow_example.models import CertificateRequest, CertificateRequestLog

from .race import race

pytestmark = pytest.mark.urls("tests.workflow_example.urls")


@pytest.fixture
def request_a(world):
    return CertificateRequest.objects.create(school=world.school_a, pupil_name="Inès Martin")


def test_page_action_applies_and_logs_once(world, request_a, client_for):
    client = client_for(world.users.chef_a)
    page = client.get(f"/exemple/{request_a.public_id}/")
    assert page.status_code == 200
    assert 'data-testid="action-deliver"' in page.text
    assert page.context["next_step"] == "Délivrer l'attestation"
    response = client.post(
        f"/exemple/{request_a.public_id}/action/deliver/",
        {"deliver-on": dt.date.today().isoformat(), "version": "0"},
    )
    assert response.status_code == 302
    request_a.refresh_from_db()
    assert request_a.state == "delivree" and request_a.version == 1
    log = CertificateRequestLog.objects.get(request=request_a)
    assert (log.action, log.from_state, log.to_state, log.by) == (
        "deliver",
        "demandee",
        "delivree",
        world.users.chef_a,
    )
    # A second click from a page loaded before: refused in French, nothing written.
    response = client.post(
        f"/exemple/{request_a.public_id}/action/deliver/",
        {"deliver-on": dt.date.today().isoformat(), "version": "0"},
    )
    assert response.status_code == 409
    assert "modifié entre-temps" in response.text
    assert CertificateRequestLog.objects.count() == 1


def test_a_blocked_action_is_shown_disabled_with_its_reason(world, client_for):
    blank = CertificateRequest.objects.create(school=world.school_a)
    page = client_for(world.users.chef_a).get(f"/exemple/{blank.public_id}/")
    assert 'data-testid="disabled-deliver"' in page.text
    assert "Indiquez d&#x27;abord le nom de l&#x27;élève" in page.text
    assert page.context["next_step"].startswith("Délivrer l'attestation : impossible")


def test_api_action_uses_the_same_form_and_guards(world, request_a, api_for):
    client = api_for(world.users.chef_a)
    url = f"/api/v1/exemple/{request_a.public_id}/actions/refuse/"
    assert client.post(url, {}, format="json").status_code == 400
    response = client.post(url, {"reason": "Élève inconnu"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "refusee"
    response = client.post(url, {"reason": "encore"}, format="json")
    assert response.status_code == 409 and "impossible" in response.json()["detail"]
    assert api_for(world.users.referent_a).post(url, {"reason": "x"}).status_code == 404
    assert api_for(world.users.chef_b).post(url, {"reason": "x"}).status_code == 404


def test_outsider_gets_404_on_page_and_action(world, request_a, client_for):
    client = client_for(world.users.chef_b)
    assert client.get(f"/exemple/{request_a.public_id}/").status_code == 404
    for method in ("get", "post"):
        response = getattr(client, method)(f"/exemple/{request_a.public_id}/action/deliver/")
        assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_double_action_gives_exactly_one_success(world):
    request = CertificateRequest.objects.create(school=world.school_a, pupil_name="Inès")
    calls = [
        partial(
            CertificateRequest.objects.get(pk=request.pk).deliver,
            by=world.users.chef_a,
            on=dt.date.today(),
        ),
        partial(
            CertificateRequest.objects.get(pk=request.pk).refuse,
            by=world.users.chef_a,
            reason="Doublon",
        ),
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert CertificateRequestLog.objects.filter(request=request).count() == 1
