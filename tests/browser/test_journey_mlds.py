"""Journey 3: a young person from a SIEI list is contacted, has a bilan, takes a solution, and
the follow-up closes only once its outcome is recorded; Ambition emploi refuses > 4 months."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tests.mlds.factories import PartnerFactory

from .actions import unfold, unfold_blocked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def october_2025():
    with time_machine.travel(dt.datetime(2025, 10, 15, 9, 0), tick=True):
        yield


def confirm_situation(page, form):
    """Tick "Je confirme ..." by clicking its label, as a user does: the DSFR checkbox itself is
    drawn by its label, and a click sent before the DSFR script has started can be lost."""
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    box = form.locator("[name=demarrer-situation_confirmed]")
    if not box.is_checked():
        form.locator("label[for=id_demarrer-situation_confirmed]").click()
    expect(box).to_be_checked()


def test_siei_young_person_to_closed_follow_up(
    world, page, live_server, browser_login, october_2025, tmp_path
):
    PartnerFactory(departement=world.dep1, e2c=True, name="E2C Melun Val de Seine")
    csv_file = tmp_path / "liste-rio.csv"
    csv_file.write_text(
        "ine;nom;prenom;date_naissance;sexe;uai_dernier_etablissement;formation;date_sortie\n"
        f"123456789ZZ;Moreau;Yanis;04/02/2007;M;{world.school_a.uai};CAP cuisine;30/06/2025\n",
        encoding="utf-8",
    )
    browser_login(page, world.users.mlds1)
    page.goto(f"{live_server.url}/mlds/siei/")
    page.get_by_label("Liste SIEI / RIO").set_input_files(str(csv_file))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("body")).to_contain_text("1 suivi(s) ouvert(s)")

    page.goto(f"{live_server.url}/mlds/?view=unassigned")
    page.get_by_role("link", name="MOREAU Yanis").click()
    expect(page.get_by_test_id("status")).to_have_text("Signalé")

    expect(page.get_by_test_id("next-step")).to_have_text("Enregistrer une tentative de contact")
    # Before any contact, the bilan is shown greyed with its reason, not as a button that fails.
    expect(page.get_by_test_id("disabled-bilan")).to_be_visible()
    contact = unfold(page, "contact", "Enregistrer une tentative de contact")
    contact.get_by_label("Canal").select_option(label="Téléphone")
    contact.get_by_label("Résultat").select_option(label="Jeune joint")
    contact.get_by_role("button", name="Enregistrer une tentative de contact").click()
    expect(page.get_by_test_id("status")).to_have_text("Contacté")

    bilan = unfold(page, "bilan", "Enregistrer le temps de bilan")
    bilan.get_by_label("Situation").fill("Sorti de CAP sans diplôme, sans activité depuis juin.")
    bilan.get_by_label("Souhaits").fill("Métiers de bouche")
    bilan.get_by_role("button", name="Enregistrer le temps de bilan").click()
    expect(page.get_by_test_id("status")).to_have_text("Temps de bilan réalisé")

    propose = unfold(page, "proposer", "Proposer une solution")
    propose.get_by_label("Solution").select_option(label="École de la deuxième chance (E2C)")
    propose.get_by_role("button", name="Proposer une solution").click()
    expect(page.locator("body")).to_contain_text("demande une structure partenaire")
    propose = unfold(page, "proposer", "Proposer une solution")
    propose.get_by_label("Solution").select_option(label="École de la deuxième chance (E2C)")
    propose.get_by_label("Structure partenaire").select_option(
        label="E2C Melun Val de Seine (École de la deuxième chance (E2C))"
    )
    propose.get_by_role("button", name="Proposer une solution").click()
    expect(page.get_by_test_id("status")).to_have_text("Solution proposée")

    unfold(page, "entree", "Entrée en solution").get_by_role(
        "button", name="Entrée en solution"
    ).click()
    expect(page.get_by_test_id("status")).to_have_text("En solution")
    assert "E2C Melun Val de Seine" in page.get_by_test_id("solution").inner_text()

    # Closing needs the outcome: offered greyed, with the reason, and no button that would fail.
    expect(unfold_blocked(page, "clore")).to_contain_text("Issue manquante")
    expect(page.get_by_test_id("action-clore")).to_have_count(0)
    expect(
        page.locator("#action-clore").get_by_role("button", name="Clore le suivi")
    ).to_be_disabled()
    expect(page.get_by_test_id("next-step")).to_have_text(
        "Point de suivi conjoint ou Enregistrer l'issue du suivi"
    )

    outcome = unfold(page, "issue", "Enregistrer l'issue du suivi")
    outcome.get_by_label("Issue").select_option(label="En formation professionnelle")
    outcome.get_by_role("button", name="Enregistrer l'issue du suivi").click()
    expect(page.get_by_test_id("disabled-clore")).to_have_count(0)
    close = unfold(page, "clore", "Clore le suivi")
    close.get_by_label("Motif de clôture").select_option(label="Solution consolidée")
    close.get_by_role("button", name="Clore le suivi").click()
    expect(page.get_by_test_id("status")).to_have_text("Clos")
    assert "Clôture : Solution consolidée" in page.get_by_test_id("timeline").inner_text()


def test_ambition_emploi_refused_beyond_four_months(
    world, page, live_server, browser_login, october_2025
):
    from mlds.services import open_follow_up
    from tests.mlds.factories import YoungPersonFactory

    student = YoungPersonFactory(
        current_school=world.school_a, last_name="Garnier", first_name="Inès"
    )
    follow_up = open_follow_up(
        student=student, source="reprepa_sans_solution", by=world.users.chef_a
    )
    browser_login(page, world.users.mlds1)
    page.goto(f"{live_server.url}{follow_up.get_absolute_url()}")
    form = page.get_by_test_id("form-ambition")
    form.get_by_label("Cycle achevé").select_option(label="CAP")
    form.get_by_label("Le jeune est volontaire").select_option(label="Oui")
    form.get_by_role("button", name="Proposer le Parcours Ambition emploi").click()
    expect(page.get_by_test_id("status")).to_have_text("Proposé")
    unfold(page, "accepter", "Le jeune accepte le parcours").get_by_role(
        "button", name="Le jeune accepte le parcours"
    ).click()
    expect(page.get_by_test_id("status")).to_have_text("Accepté par le jeune")
    start = unfold(page, "demarrer", "Démarrer le parcours")
    start.locator("[name=demarrer-start_date]").fill("2025-10-15")
    start.locator("[name=demarrer-planned_end_date]").fill("2026-03-01")
    confirm_situation(page, start)
    start.get_by_role("button", name="Démarrer le parcours").click()
    expect(page.locator("body")).to_contain_text("dure au plus 4 mois")
    expect(page.locator("body")).to_contain_text("au plus tard le 14/02/2026")
    expect(page.get_by_test_id("status")).to_have_text("Accepté par le jeune")
    start = unfold(page, "demarrer", "Démarrer le parcours")
    start.locator("[name=demarrer-start_date]").fill("2025-10-15")
    start.locator("[name=demarrer-planned_end_date]").fill("2026-02-14")
    confirm_situation(page, start)
    start.get_by_role("button", name="Démarrer le parcours").click()
    expect(page.get_by_test_id("status")).to_have_text("En cours")
