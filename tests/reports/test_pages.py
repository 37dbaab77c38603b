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


def test_indicator_page_defaults_to_one_year_chosen_from_a_list_with_french_figures(
    world, client_for
):
    import re

    make_dropout_world(world)
    client = client_for(world.users.dasen1)
    url = reverse("reports:indicators")
    html = client.get(url).text
    select = html[html.index('name="annee"') : html.index("</select>", html.index('name="annee"'))]
    years = re.findall(r'<option value="(\d{4})"', select)
    assert years and years == sorted(years, reverse=True)
    # The latest year with figures is chosen, not every year summed.
    assert re.search(rf'<option value="{years[0]}" selected>', select)
    assert "Toutes les années (cumul)" in select
    params = {"famille": "decrochage", "territoire": "etablissement"}
    by_voie = client.get(url, {**params, "par": "voie", "annee": ""}).text
    assert "Voie générale" in by_voie and ">generale<" not in by_voie
    assert re.search(r"\d,\d\u00a0%", by_voie) and not re.search(r"\d\.\d %", by_voie)
    by_level = client.get(url, {**params, "par": "niveau", "annee": ""}).text
    assert ">1G<" not in by_level and ">TPRO<" not in by_level
    for bad in ("abc", "1789", "-1", "9" * 30):
        assert client.get(url, {"annee": bad}).status_code == 200


def test_french_number_formatting():
    from reports.charts import format_count, format_rate

    assert format_count(16019) == "16\u202f019"
    assert format_rate(1.25) == "1,2\u00a0%" or format_rate(1.25) == "1,3\u00a0%"
    assert format_rate(12.34) == "12,3\u00a0%"
    assert format_rate(1234.5) == "1\u202f234,5\u00a0%"
