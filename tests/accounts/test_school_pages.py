import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..territories.factories import EtablissementFactory

pytestmark = pytest.mark.django_db


def school_uais(client):
    return client.get(reverse("territories:school_list")).content.decode()


def test_school_head_sees_own_school_only(world, client_for):
    page = school_uais(client_for(world.users.chef_a))
    assert world.school_a.uai in page
    assert world.school_b.uai not in page


def test_cio_director_sees_bassin_schools(world, client_for):
    page = school_uais(client_for(world.users.cio1))
    assert world.school_a.uai in page and world.school_b.uai in page
    assert world.school_c.uai not in page


def test_foquale_head_sees_network_schools(world, client_for):
    page = school_uais(client_for(world.users.foquale))
    assert world.school_a.uai in page and world.school_c.uai in page
    assert world.school_b.uai not in page


def test_pilot_sees_all_schools_of_the_academie(world, client_for):
    page = school_uais(client_for(world.users.pilot))
    for school in (world.school_a, world.school_b, world.school_c, world.school_d):
        assert school.uai in page


def test_outsider_gets_404_on_school_detail(world, client_for):
    url = reverse("territories:school_detail", args=[world.school_a.uai])
    assert client_for(world.users.chef_a).get(url).status_code == 200
    assert client_for(world.users.cio1).get(url).status_code == 200
    assert client_for(world.users.chef_d).get(url).status_code == 404
    assert client_for(world.users.dasen2).get(url).status_code == 404


def test_school_list_query_count_is_constant(world, client_for):
    client = client_for(world.users.pilot)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("territories:school_list"))
    EtablissementFactory.create_batch(30, bassin=world.bassin1)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("territories:school_list"))
    assert len(few) == len(many)


def test_school_api_is_scoped(world, api_for):
    data = api_for(world.users.cio1).get("/api/v1/etablissements/").json()
    assert sorted(r["uai"] for r in data["results"]) == sorted(
        [world.school_a.uai, world.school_b.uai]
    )
    url = f"/api/v1/etablissements/{world.school_d.uai}/"
    assert api_for(world.users.cio1).get(url).status_code == 404
