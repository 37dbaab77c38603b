"""Journey 5 in a browser: the network head reads the territorial diagnosis, offers a place on
an action to a pupil; the académie pilot sees masked indicators; a call for projects goes from
opening to a submitted project."""

import datetime as dt

import pytest

from foquale.models import Referral

from ..foquale.factories import ActionFactory, CallFactory
from ..reports.conftest import make_dropout_world
from ..students.factories import StudentFactory
from .actions import unfold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_network_head_reads_diagnosis_and_refers_a_pupil(world, page, browser_login, live_server):
    make_dropout_world(world)
    action = ActionFactory(
        network=world.network,
        places=1,
        title="Atelier remobilisation",
        end_date=dt.date.today() + dt.timedelta(days=60),
    )
    pupil = StudentFactory(current_school=world.school_a, last_name="Moreau")
    browser_login(page, world.users.foquale)
    assert page.get_by_text("Réseau FoQualE : FoQualE Melun-Meaux").is_visible()
    page.get_by_role("link", name="Diagnostic territorial").first.click()
    assert page.get_by_text("Qui est compté comme décrocheur ?").is_visible()
    page.get_by_label("Année scolaire").select_option("2024")
    page.get_by_role("button", name="Afficher").click()
    table = page.get_by_test_id("by-school-voie")
    assert world.school_a.name in table.inner_text()
    page.goto(f"{live_server.url}/foquale/actions/{action.public_id}/")
    page.get_by_label("INE de l'élève").fill(pupil.ine)
    page.get_by_role("button", name="Orienter vers cette action").click()
    assert page.get_by_text("est orienté vers").is_visible()
    assert "0 restante" in page.get_by_test_id("places").inner_text()
    assert Referral.objects.filter(action=action, student=pupil).exists()


def test_pilot_sees_masked_indicators(world, page, browser_login, live_server):
    from reports.summary import refresh_dropouts

    make_dropout_world(world)
    refresh_dropouts(full=True)  # what the morning refresh does
    browser_login(page, world.users.pilot)
    assert page.get_by_text("Décrochage dans votre périmètre").is_visible()
    page.get_by_role("link", name="Tous les indicateurs").click()
    page.get_by_label("Regrouper par territoire").select_option("etablissement")
    page.get_by_label("Année scolaire").select_option(label="2024-2025")
    page.get_by_role("button", name="Afficher").click()
    rows = page.get_by_test_id("indicator-row")
    assert rows.count() >= 4
    assert "< 5" in page.locator("table").inner_text()


def test_school_head_submits_a_project(world, page, browser_login, live_server):
    call = CallFactory(
        academie=world.academie,
        opened=True,
        title="Persévérance",
        closes_on=dt.date.today() + dt.timedelta(days=10),
    )
    browser_login(page, world.users.chef_a)
    page.goto(f"{live_server.url}/foquale/appels/{call.public_id}/")
    page.get_by_role("link", name="Préparer un projet").click()
    page.get_by_label("Intitulé du projet").fill("Ateliers du mercredi")
    page.get_by_label("Axe").select_option("remobilisation")
    page.get_by_label("Description du projet").fill("Remobiliser quinze élèves de seconde.")
    page.get_by_role("button", name="Enregistrer en brouillon").click()
    unfold(page, "deposer", "Déposer le projet").get_by_role(
        "button", name="Déposer le projet"
    ).click()
    assert "déposé" in page.get_by_test_id("project-status").inner_text().lower()
