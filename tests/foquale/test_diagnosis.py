import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from students.models import Enrolment
from territories.enums import Voie

from ..reports.conftest import expected_by, make_dropout_world
from ..reports.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db
ROW = re.compile(
    r"<th scope=\"row\">(?P<label>[^<]+)</th>\s*<td>(?P<total>[^<]+)</td>\s*"
    r"<td>(?P<drop>[^<]+)</td>\s*<td>(?P<rate>[^<]+)</td>"
)


def school_voie_rows(html: str) -> dict:
    """{(school name, voie label): (effectif, décrocheurs, taux)} read from the page."""
    block = html.split('data-testid="by-school-voie"', 1)[1].split("</table>", 1)[0]
    out = {}
    for m in ROW.finditer(block):
        school, voie = m["label"].rsplit(" — ", 1)
        out[(school.replace("&#x27;", "'"), voie)] = (
            m["total"].strip(),
            m["drop"].strip(),
            m["rate"].strip(),
        )
    return out


def fr_rate(total, drop) -> str:
    return f"{100 * drop / total:.1f}".replace(".", ",") + "\u00a0%"


def test_diagnosis_shows_rates_by_school_and_voie_with_the_definition(world, client_for):
    make_dropout_world(world)
    url = reverse("foquale:diagnosis", args=[world.network.public_id])
    html = client_for(world.users.foquale).get(url, {"annee": 2024}).text
    assert "Qui est compté comme décrocheur" in html and "16 ans ou plus" in html
    members = {world.school_a.pk, world.school_c.pk}
    enrolments = list(Enrolment.objects.select_related("student", "school"))
    expected = {
        (name, Voie(voie).label): (str(t), str(d), fr_rate(t, d))
        for (name, voie, year, school_id), (t, d) in expected_by(
            lambda e: (e.school.name, e.voie, e.school_year, e.school_id), enrolments
        ).items()
        if year == 2024 and school_id in members
    }
    assert school_voie_rows(html) == expected
    assert "Évolution" in html and "Académie" in html


def test_pilot_sees_masked_cells(world, client_for):
    make_dropout_world(world)
    url = reverse("foquale:diagnosis", args=[world.network.public_id])
    html = client_for(world.users.pilot).get(url).text
    rows = school_voie_rows(html)
    assert rows and any(drop == "&lt; 5" for _, drop, _ in rows.values())
    assert "toute cellule de moins de 5 élèves est masquée" in html


def test_diagnosis_without_data_says_what_to_do(world, client_for):
    url = reverse("foquale:diagnosis", args=[world.network.public_id])
    html = client_for(world.users.foquale).get(url).text
    assert "imports SIECLE" in html


def test_diagnosis_query_count_is_constant(world, client_for):
    client = client_for(world.users.foquale)
    url = reverse("foquale:diagnosis", args=[world.network.public_id])
    EnrolmentFactory(student__current_school=world.school_a, school=world.school_a)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make_dropout_world(world)
    for year in (2021, 2022, 2023):
        EnrolmentFactory(student__current_school=world.school_c, school=world.school_c,
                         school_year=year, abandon=True)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_head_dashboard_panel_shows_network_bars(world, client_for):
    make_dropout_world(world)
    html = client_for(world.users.foquale).get(reverse("home")).text
    assert "Réseau FoQualE" in html and "Réseau — Voie professionnelle" in html
    assert "Réseau FoQualE : " not in client_for(world.users.chef_a).get(reverse("home")).text
