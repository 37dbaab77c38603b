"""The API action endpoints generated from the declarations of droit au retour, the prevention
paths and the FoQualE calls and projects: same shape as the dossiers' and MLDS' ones (the body
holds the page form's fields, unprefixed), same guards and French messages, scoped (an
outsider or a reader gets 404), and listed in the OpenAPI schema."""

import datetime as dt

import pytest

from foquale.enums import CallStatus, ProjectStatus
from mlds.services import open_droit_retour
from prevention.enums import DerogatoireStatus, PafiStatus, TdoStatus
from tests.foquale.factories import CallFactory, ProjectFactory
from tests.mlds.factories import YoungPersonFactory
from tests.prevention.factories import DerogatoireFactory, PafiFactory, TdoFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, body=None):
    return client.post(url, body or {}, format="json")


def test_droit_retour_actions(world, api_for, frozen_today):
    item = open_droit_retour(
        student=YoungPersonFactory(current_school=world.school_a),
        by=world.users.mlds1,
        channel="telephone",
        requested_on=frozen_today,
        highest_diploma="aucun",
    )
    base = f"{API}/mlds/droit-au-retour/{item.public_id}/actions"
    client = api_for(world.users.mlds1)
    # Guard: no proposal before the interview.
    refused = post(client, f"{base}/proposition/", {"proposal": "CAP cuisine"})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Entretien manquant")
    # Success.
    done = post(client, f"{base}/entretien/", {"on": "2025-10-15", "note": "Motivé"})
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "entretien"
    # A stale version is refused in French.
    stale = post(client, f"{base}/proposition/", {"proposal": "CAP", "version": 0})
    assert stale.status_code == 409 and "modifié entre-temps" in stale.json()["detail"]
    # Outsiders and readers.
    for user in (world.users.mlds2, world.users.chef_a, world.users.cio1, world.users.dasen1):
        assert post(api_for(user), f"{base}/refus/", {"reason": "x"}).status_code == 404
    # Invalid body: field errors, no 500.
    bad = post(client, f"{base}/proposition/", {"proposal": ""})
    assert bad.status_code == 400 and "proposal" in bad.json()


@pytest.fixture
def november(clock):
    return clock.at(dt.datetime(2025, 11, 20, 10, tzinfo=dt.UTC))


def test_pafi_actions(world, api_for, november):
    path = PafiFactory(
        student__current_school=world.school_a,
        status=PafiStatus.RUNNING,
        started_on=dt.date(2025, 11, 17),
    )
    base = f"{API}/prevention/pafi/{path.public_id}/actions"
    client = api_for(world.users.referent_a)
    refused = post(
        client, f"{base}/clore/", {"outcome": "retour_classe", "closed_on": "2025-11-20"}
    )
    assert refused.status_code == 409 and refused.json()["detail"].startswith("Bilan manquant")
    bilan = {"kind": "etape", "date": "2025-11-19", "assessment": "Assidu au stage"}
    done = post(client, f"{base}/bilan/", bilan)
    assert done.status_code == 200, done.json()
    assert path.bilans.count() == 1
    closed = post(client, f"{base}/clore/", {"outcome": "retour_classe", "closed_on": "2025-11-20"})
    assert closed.status_code == 200 and closed.json()["status"] == PafiStatus.CLOSED
    for user in (world.users.chef_b, world.users.cio1, world.users.ienio1, world.users.mlds1):
        assert post(api_for(user), f"{base}/bilan/", bilan).status_code == 404


def test_derogatoire_actions_school_then_departement(world, api_for, november):
    draft = DerogatoireFactory(student__current_school=world.school_a)
    base = f"{API}/prevention/parcours-derogatoires/{draft.public_id}/actions"
    school = api_for(world.users.referent_a)
    refused = post(school, f"{base}/transmettre/")
    assert refused.status_code == 409
    assert "Transmission impossible, il manque : la signature du jeune" in refused.json()["detail"]
    signed = post(
        school,
        f"{base}/signatures/",
        {"young": "2025-11-18", "family": "2025-11-18", "head": "2025-11-18"},
    )
    assert signed.status_code == 200, signed.json()
    assert post(school, f"{base}/transmettre/").json()["status"] == DerogatoireStatus.TRANSMITTED
    # The opinion is the IEN-IO's: the school gets 404, the IEN-IO of another département too.
    opinion = {"opinion": "favorable"}
    assert post(school, f"{base}/avis/", opinion).status_code == 404
    assert post(api_for(world.users.dasen1), f"{base}/avis/", opinion).status_code == 404
    done = post(api_for(world.users.ienio1), f"{base}/avis/", opinion)
    assert done.status_code == 200 and done.json()["status"] == DerogatoireStatus.OPINION_GIVEN


def test_tdo_actions(world, api_for, november):
    tdo = TdoFactory(student__current_school=world.school_a)
    base = f"{API}/prevention/tous-droits-ouverts/{tdo.public_id}/actions"
    client = api_for(world.users.referent_a)
    early = post(client, f"{base}/reponse/", {"accepted": "1", "answered_on": "2025-11-01"})
    assert early.status_code == 409
    assert early.json()["detail"] == "La réponse ne peut précéder la proposition."
    done = post(client, f"{base}/reponse/", {"accepted": "1", "answered_on": "2025-11-05"})
    assert done.status_code == 200 and done.json()["status"] == TdoStatus.ACCEPTED
    for user in (world.users.chef_b, world.users.cio1, world.users.ienio1):
        assert post(api_for(user), f"{base}/reponse/", {"accepted": "0"}).status_code == 404


@pytest.fixture
def october(clock):
    return clock.at(dt.datetime(2025, 10, 1, 10, tzinfo=dt.UTC))


def test_call_actions(world, api_for, october):
    call = CallFactory(academie=world.academie, status=CallStatus.REVIEW)
    project = ProjectFactory(call=call, school=world.school_a, submitted=True)
    base = f"{API}/foquale/appels/{call.public_id}/actions"
    pilot = api_for(world.users.pilot)
    refused = post(pilot, f"{base}/publier/")
    assert refused.status_code == 409
    assert "1 projet(s) déposé(s) attendent encore une décision" in refused.json()["detail"]
    project.status = ProjectStatus.WITHDRAWN
    project.save()
    done = post(pilot, f"{base}/publier/")
    assert done.status_code == 200 and done.json()["status"] == CallStatus.PUBLISHED
    for user in (world.users.chef_a, world.users.dasen1, world.users.mlds1):
        assert post(api_for(user), f"{base}/publier/").status_code == 404


def test_project_actions(world, api_for, october):
    call = CallFactory(academie=world.academie, opened=True)
    project = ProjectFactory(call=call, school=world.school_a, created_by=world.users.chef_a)
    base = f"{API}/foquale/projets/{project.public_id}/actions"
    chef = api_for(world.users.chef_a)
    done = post(chef, f"{base}/deposer/", {"version": 0})
    assert done.status_code == 200 and done.json()["status"] == ProjectStatus.SUBMITTED
    assert done.json()["version"] == 1
    # The same click from the stale page.
    stale = post(chef, f"{base}/retirer/", {"version": 0})
    assert stale.status_code == 409 and "modifié entre-temps" in stale.json()["detail"]
    # The reviewers decide only during the review, after scoring.
    pilot = api_for(world.users.pilot)
    decision = {"accepted": "1", "comment": "Très bon projet"}
    refused = post(pilot, f"{base}/decider/", decision)
    assert refused.status_code == 409
    assert (
        refused.json()["detail"] == "La commission ne décide que pendant l'instruction de l'appel."
    )
    for user in (world.users.chef_b, world.users.referent_a, world.users.mlds1):
        assert post(api_for(user), f"{base}/retirer/").status_code == 404
    assert post(chef, f"{base}/decider/", decision).status_code == 404


def test_the_schema_lists_the_generated_action_endpoints(client_for, world):
    schema = client_for(world.users.admin).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/mlds/droit-au-retour/{id}/actions/{name}/",
        "/api/v1/prevention/pafi/{id}/actions/{name}/",
        "/api/v1/prevention/parcours-derogatoires/{id}/actions/{name}/",
        "/api/v1/prevention/tous-droits-ouverts/{id}/actions/{name}/",
        "/api/v1/foquale/appels/{id}/actions/{name}/",
        "/api/v1/foquale/projets/{id}/actions/{name}/",
    ):
        assert path in schema, path
