"""The report API: keys, scope, masking, filters, errors, pagination, CSV."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.enums import Role
from audit.models import AccessLog
from reports.enums import ClientRights
from reports.models import ApiClient
from students.models import Enrolment

from .conftest import expected_by
from .factories import EnrolmentFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicateurs/decrochage/"


def all_enrolments():
    return list(Enrolment.objects.select_related("student", "school__departement"))


def test_departement_client_gets_rates_by_voie_for_its_schools_only(dropouts, key_api):
    _, api = key_api(rights=ClientRights.NOMINATIVE_READ, departement=dropouts.dep1)
    response = api.get(URL, {"territoire": "etablissement", "par": "voie"})
    assert response.status_code == 200
    body = response.json()
    mine = {s.uai for s in (dropouts.school_a, dropouts.school_b, dropouts.school_c)}
    assert {r["territoire_code"] for r in body["results"]} == mine
    expected = expected_by(lambda e: (e.school.uai, e.voie), all_enrolments())
    for row in body["results"]:
        total, drop = expected[(row["territoire_code"], row["voie"])]
        assert row["valeurs"]["effectif"] == total
        assert row["valeurs"]["taux_decrochage"] == round(100 * drop / total, 1)
    assert body["masquage"] is False


def test_aggregate_client_gets_small_cells_masked(dropouts, key_api):
    _, api = key_api(departement=dropouts.dep1)
    body = api.get(URL, {"par": "voie"}).json()
    assert body["masquage"] is True
    expected = expected_by(lambda e: (e.school.uai, e.voie), all_enrolments())
    for row in body["results"]:
        total, drop = expected[(row["territoire_code"], row["voie"])]
        assert row["valeurs"]["effectif"] == (total if total >= 5 else None)
        assert row["valeurs"]["decrocheurs"] == (drop if drop >= 5 else None)
        if drop < 5 or total < 5:
            assert row["valeurs"]["taux_decrochage"] is None
            assert "taux_decrochage" in row["masquees"]


def test_pilot_is_masked_and_network_head_is_not(dropouts, api_for):
    pilot = api_for(dropouts.users.pilot).get(URL, {"territoire": "academie", "par": "annee"})
    assert pilot.status_code == 200 and pilot.json()["masquage"] is True
    totals = api_for(dropouts.users.foquale).get(URL, {"territoire": "reseau", "par": ""})
    assert totals.status_code == 200 and len(totals.json()["results"]) == 1
    head = api_for(dropouts.users.foquale).get(URL, {"territoire": "reseau", "par": "annee"})
    assert head.json()["masquage"] is False
    assert {r["territoire_code"] for r in head.json()["results"]} == {
        str(dropouts.network.public_id)
    }


def test_out_of_scope_or_unknown_territory_is_404_in_french(dropouts, key_api):
    _, api = key_api(departement=dropouts.dep1)
    for params in ({"departement": "093"}, {"departement": "999"}, {"etablissement": "0000000A"}):
        response = api.get(URL, params)
        assert response.status_code == 404
        assert "hors de votre périmètre" in response.json()["detail"]
    ok = api.get(URL, {"etablissement": dropouts.school_a.uai, "par": "annee"})
    assert ok.status_code == 200
    assert {r["territoire_code"] for r in ok.json()["results"]} == {dropouts.school_a.uai}


@pytest.mark.parametrize(
    "params",
    [
        {"territoire": "planete"},
        {"par": "voie,voie"},
        {"par": "sexe"},
        {"voie": "aerienne"},
        {"annee": "deux-mille"},
        {"annee": "1800"},
        {"reseau": "pas-un-uuid"},
        {"territoire": "academie"},  # wider than a département scope
    ],
)
def test_invalid_parameters_are_400_in_french(world, key_api, params):
    _, api = key_api(departement=world.dep1)
    response = api.get(URL, params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_unknown_family_is_404(world, key_api):
    _, api = key_api(departement=world.dep1)
    response = api.get("/api/v1/indicateurs/inconnu/")
    assert response.status_code == 404
    assert "Indicateur inconnu" in response.json()["detail"]


def test_bad_revoked_or_missing_key_is_401(world, key_api):
    client, api = key_api(departement=world.dep1)
    assert api.get(URL).status_code == 200
    client.is_active = False
    client.save()
    assert api.get(URL).status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {client.key_prefix}.faux")
    assert api.get(URL).status_code == 401
    api.credentials()
    response = api.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_read_only_key_cannot_write(world, key_api):
    _, api = key_api(departement=world.dep1, rights=ClientRights.NOMINATIVE_READ)
    response = api.post(URL, {})
    assert response.status_code == 403
    assert "lecture" in response.json()["detail"]


def test_only_the_hash_of_the_key_is_stored(world, key_api):
    client, api = key_api(departement=world.dep1)
    secret = api._credentials["HTTP_AUTHORIZATION"].split(".", 1)[1]
    stored = ApiClient.objects.get(pk=client.pk)
    assert secret not in stored.key_hash and stored.matches(secret)
    api.get(URL)
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_client_is_throttled_per_key(world, key_api):
    cache.clear()
    client, api = key_api(departement=world.dep1)
    client.throttle_rate = "3/minute"
    client.save()
    _, other = key_api(departement=world.dep1, name="Partenaire")
    codes = [api.get("/api/v1/indicateurs/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert other.get("/api/v1/indicateurs/").status_code == 200
    cache.clear()


def test_nominative_list_needs_nominative_rights(dropouts, key_api):
    _, aggregate_only = key_api(departement=dropouts.dep1)
    assert aggregate_only.get("/api/v1/decrochage/inscriptions/").status_code == 404
    client, api = key_api(departement=dropouts.dep1, rights=ClientRights.NOMINATIVE_READ)
    body = api.get("/api/v1/decrochage/inscriptions/", {"decrocheur": "true"}).json()
    by_hand = [e for e in all_enrolments() if e.school.departement_id == dropouts.dep1.pk]
    from .conftest import is_dropout_by_hand

    everyone = all_enrolments()
    assert body["count"] == sum(is_dropout_by_hand(e, everyone) for e in by_hand)
    assert all(row["decrocheur"] for row in body["results"])
    assert AccessLog.objects.filter(
        user=client.service_user, object_type="decrochage_inscriptions"
    ).exists()


def test_query_count_is_constant(world, key_api):
    _, api = key_api(departement=world.dep1, rights=ClientRights.NOMINATIVE_READ)
    EnrolmentFactory.create_batch(2, student__current_school=world.school_a, school=world.school_a)
    api.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert api.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as few_list:
        api.get("/api/v1/decrochage/inscriptions/")
    for school in (world.school_a, world.school_b, world.school_c):
        EnrolmentFactory.create_batch(
            8, student__current_school=school, school=school, abandon=True, general=True
        )
    with CaptureQueriesContext(connection) as many:
        assert api.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as many_list:
        api.get("/api/v1/decrochage/inscriptions/")
    assert len(few) == len(many)
    assert len(few_list) == len(many_list)


def test_pagination(world, key_api):
    for year in range(2015, 2025):
        EnrolmentFactory(
            student__current_school=world.school_a, school=world.school_a, school_year=year
        )
    _, api = key_api(departement=world.dep1)
    body = api.get(URL, {"page_size": 4}).json()
    assert body["count"] == 10 and len(body["results"]) == 4 and body["next"]
    assert api.get(URL, {"page": 99}).status_code == 404


def read_stream(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_csv_is_streamed_and_matches_json(dropouts, key_api):
    _, api = key_api(departement=dropouts.dep1, rights=ClientRights.NOMINATIVE_READ)
    response = api.get(URL + "csv/", {"par": "voie"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    lines = read_stream(response).strip().split("\r\n")
    header = lines[0].split(";")
    assert header[:6] == [
        "territoire_niveau",
        "territoire_code",
        "territoire_nom",
        "voie",
        "niveau",
        "annee",
    ]
    json_rows = api.get(URL, {"par": "voie"}).json()["results"]
    assert len(lines) - 1 == len(json_rows)
    first = dict(zip(header, lines[1].split(";"), strict=True))
    assert int(first["effectif"]) == json_rows[0]["valeurs"]["effectif"]


def test_csv_neutralises_formulas(world, key_api):
    world.school_a.name = '=HYPERLINK("http://evil","clic")'
    world.school_a.save()
    EnrolmentFactory(student__current_school=world.school_a, school=world.school_a,
                     student__last_name="@SUM(A1)", student__first_name="-2+3")  # fmt: skip
    _, api = key_api(departement=world.dep1, rights=ClientRights.NOMINATIVE_READ)
    text = read_stream(api.get(URL + "csv/"))
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text.replace('"', "")
    nominative = read_stream(api.get("/api/v1/decrochage/inscriptions/csv/"))
    assert "'@SUM(A1)" in nominative and "'-2+3" in nominative


def test_session_roles_use_the_same_endpoints(dropouts, client_for):
    response = client_for(dropouts.users.chef_a).get(URL, {"par": "voie"})
    assert response.status_code == 200
    assert {r["territoire_code"] for r in response.json()["results"]} == {dropouts.school_a.uai}
    assert client_for(dropouts.users.norole).get(URL).status_code == 404
    assert (
        client_for(dropouts.users.chef_a).get(URL, {"territoire": "departement"}).status_code == 400
    )
    assert Role.CHEF_ETABLISSEMENT


def test_nominative_list_follows_the_pupil_pages_scope(world, client_for):
    """A head reads by name only the pupils the pupil pages show them: one who moved on to
    another school keeps an enrolment in the first school, but is no longer the head's."""
    stayed = EnrolmentFactory(student__current_school=world.school_a, school=world.school_a)
    moved = EnrolmentFactory(student__current_school=world.school_b, school=world.school_a)
    EnrolmentFactory(student=moved.student, school=world.school_b, school_year=2025)
    left = EnrolmentFactory(student__current_school=None, school=world.school_a, abandon=True)
    head = client_for(world.users.chef_a)
    listed = {row["ine"] for row in head.get("/api/v1/decrochage/inscriptions/").json()["results"]}
    assert listed == {stayed.student.ine, left.student.ine}
    assert head.get(f"/eleves/{moved.student.public_id}/").status_code == 404
    text = read_stream(head.get("/api/v1/decrochage/inscriptions/csv/"))
    assert moved.student.ine not in text and stayed.student.ine in text
    mine = client_for(world.users.chef_b).get("/api/v1/decrochage/inscriptions/").json()
    assert {row["ine"] for row in mine["results"]} == {moved.student.ine}
