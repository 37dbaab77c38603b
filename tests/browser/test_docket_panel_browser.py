"""The commission docket (issue « daily screens », point 5): one decision panel per dossier
with visible labels, only the fields the chosen outcome needs, and a list of receiving
schools limited to suitable lycées (no collège, no CFA) with a French empty choice."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from dossiers.enums import DossierState
from dossiers.models import CommissionDecision

from ..dossiers.conftest import walk
from ..dossiers.factories import CapacityFactory, DossierFactory, SessionFactory
from ..territories.factories import EtablissementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docket_panel_shows_only_what_the_outcome_needs(
    world, browser, browser_login, live_server, time_machine
):
    time_machine.move_to(dt.datetime(2025, 7, 9, 9, 0), tick=True)
    session = SessionFactory(commission__departement=world.dep1)
    CapacityFactory(commission=session.commission, school=world.school_b, places=2)
    college = EtablissementFactory(bassin=world.bassin1, college=True, name="Collège Les Tilleuls")
    cfa = EtablissementFactory(bassin=world.bassin1, school_type="cfa", name="CFA du bâtiment")
    for school in (college, cfa):
        CapacityFactory(commission=session.commission, school=school, formation="3e")
    dossiers = []
    for name in ("Lefèvre", "Martin"):
        d = DossierFactory(student__current_school=world.school_a, student__last_name=name)
        walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
        dossiers.append(d)
    lefevre, martin = sorted(dossiers, key=lambda d: d.student.last_name)

    page = browser.new_context().new_page()
    browser_login(page, world.users.commission1)
    page.goto(f"{live_server.url}/reprepa/commission/seances/{session.public_id}/")
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    panel = page.get_by_test_id(f"decide-{martin.public_id}")
    expect(panel.get_by_role("group", name=f"Décision pour {martin.student}")).to_be_visible()
    # Before a choice, only the three outcomes show.
    assignment = panel.get_by_label("Lycée et formation d'accueil")
    waiting = panel.get_by_label("Formation attendue (facultatif)")
    reason = panel.get_by_label("Motif")
    for field in (assignment, waiting, reason):
        expect(field).to_be_hidden()

    # « Non affecté »: the reason only, and it is required.
    panel.get_by_text("Non affecté").click()
    expect(reason).to_be_visible()
    expect(assignment).to_be_hidden()
    expect(waiting).to_be_hidden()

    # « Proposer l'affectation »: the lycées only, with a French empty choice.
    panel.get_by_text("Proposer l'affectation").click()
    expect(assignment).to_be_visible()
    expect(reason).to_be_hidden()
    options = assignment.locator("option").all_inner_texts()
    assert options[0] == "— Choisir un lycée et une formation —"
    assert any("Lycée Jacques Amyot" in o for o in options)
    assert not any("Collège" in o or "CFA" in o for o in options), options

    # Sending without a lycée is stopped in the browser; with one, it is recorded.
    panel.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_test_id(f"decide-{martin.public_id}")).to_be_visible()
    assignment.select_option(index=1)
    panel.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("main")).to_contain_text("Affectation proposée : Lycée Jacques Amyot")
    assert CommissionDecision.objects.get(dossier=martin).is_proposal

    # « Liste d'attente » with a reason on the other dossier.
    panel = page.get_by_test_id(f"decide-{lefevre.public_id}")
    panel.get_by_text("Liste d'attente").click()
    expect(panel.get_by_label("Formation attendue (facultatif)")).to_be_visible()
    expect(panel.get_by_label("Lycée et formation d'accueil")).to_be_hidden()
    panel.get_by_label("Motif").fill("Capacité atteinte")
    panel.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("main")).to_contain_text("Liste d'attente : Capacité atteinte")
    lefevre.refresh_from_db()
    assert lefevre.state == DossierState.DECIDE_COMMISSION

    # A commission member sees the proposal awaiting the IA-DASEN, without the button.
    expect(page.locator("main")).to_contain_text(
        "Affectations proposées en attente du prononcé (1)"
    )
    expect(page.get_by_role("button", name="Prononcer les affectations cochées")).to_have_count(0)
