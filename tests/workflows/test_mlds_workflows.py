"""MLDS follow-ups, Ambition emploi and droit au retour on the lifecycle engine: a concurrent
double action gives exactly one success, the log has the shared columns, the API applies the
page's actions with the page's fields."""

import datetime as dt
from functools import partial

import pytest

from mlds.enums import AmbitionEmploiStatus, ClosureReason, DroitRetourStatus, FollowUpStatus
from mlds.models import AmbitionEmploi, DroitRetour, FollowUp
from mlds.services import open_droit_retour, propose_ambition_emploi
from tests.mlds.factories import PartnerFactory, YoungPersonFactory

from .race import race

API = "/api/v1/mlds"


@pytest.fixture
def today(clock):
    return clock.at(dt.date(2025, 10, 15))


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_closing_a_follow_up_at_once_give_one_success(
    world, today, make_follow_up
):
    fu = make_follow_up("issue")
    calls = [
        partial(
            FollowUp.objects.get(pk=fu.pk).close,
            by=user,
            reason=ClosureReason.SOLUTION_CONSOLIDEE,
        )
        for user in (world.users.mlds1, world.users.admin)
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert fu.logs.filter(to_state=FollowUpStatus.CLOS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_refusals_of_a_droit_au_retour_at_once_give_one_success(world, today):
    item = open_droit_retour(
        student=YoungPersonFactory(without_school=True),
        by=world.users.mlds1,
        channel="cio",
        requested_on=dt.date(2025, 10, 10),
        highest_diploma="aucun",
    )
    calls = [
        partial(DroitRetour.objects.get(pk=item.pk).refuse, by=world.users.mlds1, reason=r)
        for r in ("Déménagement", "Ne souhaite plus")
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert item.logs.filter(to_state=DroitRetourStatus.REFUSE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_accepting_an_ambition_emploi_twice_at_once_gives_one_success(world, calendar, today):
    parcours = propose_ambition_emploi(
        student=YoungPersonFactory(current_school=world.school_a),
        by=world.users.chef_a,
        diploma="cap",
        is_volunteer=True,
        partners=[PartnerFactory(departement=world.dep1)],
    )
    calls = [
        partial(AmbitionEmploi.objects.get(pk=parcours.pk).accept, by=user)
        for user in (world.users.chef_a, world.users.mlds1)
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert parcours.logs.filter(to_state=AmbitionEmploiStatus.ACCEPTE).count() == 1


@pytest.mark.django_db
def test_the_api_applies_the_page_actions_of_a_follow_up(
    world,
    frozen_today,
    make_follow_up,
    api_for,
):
    fu = make_follow_up("signale")
    client = api_for(world.users.mlds1)
    url = f"{API}/suivis/{fu.public_id}/actions/contact/"
    body = {"on": "2025-10-15", "channel": "telephone", "reached": "1", "version": fu.version}
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == FollowUpStatus.CONTACTE
    log = fu.logs.order_by("-id").first()
    assert (log.action, log.from_state, log.to_state) == ("contact", "signale", "contacte")
    # The same click from a stale page: refused in French, nothing written.
    response = client.post(url, body, format="json")
    assert response.status_code == 409 and "modifié entre-temps" in response.json()["detail"]
    assert api_for(world.users.chef_a).post(url, body, format="json").status_code == 404
    assert api_for(world.users.mlds2).post(url, body, format="json").status_code == 404
