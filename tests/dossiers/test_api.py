import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.enums import DossierState

from .conftest import walk
from .factories import DossierFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/reprepa"


def test_dossier_list_is_scoped_and_query_count_constant(world, api_for, frozen):
    mine = DossierFactory(student__current_school=world.school_a)
    DossierFactory(student__current_school=world.school_d)
    client = api_for(world.users.chef_a)
    with CaptureQueriesContext(connection) as few:
        data = client.get(f"{API}/dossiers/").json()
    assert [row["id"] for row in data["results"]] == [str(mine.public_id)]
    DossierFactory.create_batch(20, student__current_school=world.school_a)
    with CaptureQueriesContext(connection) as many:
        client.get(f"{API}/dossiers/")
    assert len(few) == len(many)
    for user in (world.users.pilot, world.users.norole, world.users.foquale):
        assert api_for(user).get(f"{API}/dossiers/").status_code == 404
    other = DossierFactory(student__current_school=world.school_d)
    assert client.get(f"{API}/dossiers/{other.public_id}/").status_code == 404


def test_transitions_through_the_api_use_the_same_guards(world, api_for, dossier):
    client = api_for(world.users.chef_a)
    path = f"{API}/dossiers/{dossier.public_id}/transition/"
    r = client.post(path, {"action": "reenrol"}, format="json")
    assert r.status_code == 409 and "n'est possible que si" in r.json()["detail"]
    r = client.post(path, {"action": "plan_entretien"}, format="json")
    assert r.status_code == 400
    r = client.post(path, {"action": "plan_entretien", "on": "2025-07-11"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == DossierState.ENTRETIEN_PLANIFIE
    assert (
        api_for(world.users.cio1)
        .post(path, {"action": "plan_entretien", "on": "2025-07-11"}, format="json")
        .status_code
        == 404
    )
    assert (
        api_for(world.users.referent_a)
        .post(path, {"action": "express_wish", "wish": "refus"}, format="json")
        .status_code
        == 404
    )


def test_entretien_created_through_the_api(world, api_for, dossier):
    client = api_for(world.users.referent_a)
    body = {"dossier": str(dossier.public_id), "held_on": "2025-07-03", "participants": "Élève"}
    r = client.post(f"{API}/entretiens/", body, format="json")
    assert r.status_code == 400 and "avant le jour des résultats" in r.json()["detail"]
    body["held_on"] = "2025-07-08"
    assert client.post(f"{API}/entretiens/", body, format="json").status_code == 201
    assert len(client.get(f"{API}/entretiens/").json()["results"]) == 1
    assert (
        api_for(world.users.chef_d).post(f"{API}/entretiens/", body, format="json").status_code
        == 404
    )


def test_commission_sessions_and_decisions_api(world, api_for, transmitted):
    dossier, session, capacity = transmitted
    client = api_for(world.users.ienio1)
    sessions = client.get(f"{API}/seances/").json()["results"]
    assert [s["id"] for s in sessions] == [str(session.public_id)]
    docket = client.get(f"{API}/seances/{session.public_id}/docket/").json()["results"]
    assert [d["id"] for d in docket] == [str(dossier.public_id)]
    body = {
        "session": str(session.public_id),
        "dossier": str(dossier.public_id),
        "outcome": "affecte",
        "capacity": str(capacity.public_id),
    }
    r = client.post(f"{API}/decisions/", body, format="json")
    assert r.status_code == 201 and r.json()["school_uai"] == world.school_b.uai
    again = api_for(world.users.dasen1).post(f"{API}/decisions/", body, format="json")
    assert again.status_code == 409 and "déjà été décidé" in again.json()["detail"]
    assert api_for(world.users.dasen2).get(f"{API}/seances/").json()["results"] == []
    assert api_for(world.users.chef_a).get(f"{API}/seances/").status_code == 404
    assert (
        api_for(world.users.dasen2).post(f"{API}/decisions/", body, format="json").status_code
        == 404
    )


def test_walk_helper_reaches_reinscrit(world, dossier):
    walk(dossier, world.users.chef_a, "reinscrit")
    assert dossier.state == DossierState.REINSCRIT
