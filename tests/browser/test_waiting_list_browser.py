"""A family declines the assigned place; the commission gives it to the first in line."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from dossiers import services
from dossiers.enums import DecisionOutcome, DossierState
from dossiers.models import Capacity

from ..dossiers.conftest import walk
from ..dossiers.factories import CapacityFactory, DossierFactory, SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_withdrawal_then_place_given_to_the_waiting_pupil(
    world, browser, browser_login, live_server, clock
):
    clock.at(dt.datetime(2025, 7, 9, 9, 0), tick=True)
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=1)
    dossiers = {}
    for name, outcome in (("Lefèvre", DecisionOutcome.AFFECTE), ("Martin", "liste_attente")):
        d = DossierFactory(student__current_school=world.school_a, student__last_name=name)
        walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
        services.decide(
            session=session,
            dossier=d,
            outcome=outcome,
            capacity=capacity,
            reason="" if outcome == DecisionOutcome.AFFECTE else "Capacité atteinte",
            by=world.users.dasen1,
        )
        dossiers[name] = d
    services.pronounce(session=session, by=world.users.dasen1)

    page = browser.new_context().new_page()
    browser_login(page, world.users.commission1)
    page.goto(f"{live_server.url}/reprepa/commission/seances/{session.public_id}/")
    form = page.get_by_test_id(f"withdraw-{dossiers['Lefèvre'].public_id}")
    form.get_by_role("textbox").fill("La famille a choisi un lycée privé")
    form.get_by_role("button").click()
    expect(page.locator("main")).to_contain_text("désistement enregistré, la place est libérée")

    page.goto(f"{live_server.url}/reprepa/commission/capacites/")
    expect(page.get_by_test_id(f"waiting-{capacity.public_id}")).to_contain_text("MARTIN")
    page.get_by_role("button", name="Attribuer la place libre au premier de la liste").click()
    expect(page.locator("main")).to_contain_text("depuis la liste d'attente")
    expect(page.get_by_test_id(f"capacity-{capacity.public_id}")).not_to_contain_text("MARTIN")

    martin = dossiers["Martin"]
    martin.refresh_from_db()
    assert martin.state == DossierState.PROPOSITION_AFFECTATION  # the IA-DASEN pronounces next
    assert Capacity.objects.get(pk=capacity.pk).assigned == 1
