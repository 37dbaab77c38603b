import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import make_dropout_world

pytestmark = pytest.mark.django_db


def test_indicator_page_personas(world, client_for):
    make_dropout_world(world)
    url = reverse("reports:indicators")
    pilot = client_for(world.users.pilot).get(url)
    assert pilot.status_code == 200 and "&lt; 5" in pilot.text
    assert (
        world.school_d.name
        in client_for(world.users.pilot)
        .get(url, {"famille": "decrochage", "territoire": "etablissement", "par": "voie"})
        .text
    )
    dep = (
        client_for(world.users.dasen1)
        .get(url, {"famille": "decrochage", "territoire": "etablissement", "par": "voie"})
        .text
    )
    assert world.school_a.name in dep and world.school_d.name not in dep
    chef = client_for(world.users.chef_a).get(url, {"territoire": "academie"})
    assert chef.status_code == 200 and "fr-error" in chef.text  # not a choice for a school
    assert client_for(world.users.norole).get(url).status_code == 404


def test_pilot_dashboard_shows_bars_without_names(world, client_for):
    make_dropout_world(world)
    html = client_for(world.users.pilot).get(reverse("home")).text
    assert "Décrochage dans votre périmètre" in html and "Voie professionnelle" in html
    assert "cellules de moins de 5 élèves masquées" in html
    assert "Décrochage dans votre périmètre" not in client_for(world.users.chef_a).get("/").text


def test_indicator_page_query_count_is_constant(world, client_for):
    client = client_for(world.users.pilot)
    url = reverse("reports:indicators")
    params = {"famille": "decrochage", "territoire": "etablissement", "par": "niveau"}
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    make_dropout_world(world)
    with CaptureQueriesContext(connection) as many:
        client.get(url, params)
    assert len(few) == len(many)
