"""Waiting list of the commission: a declined place is freed and goes to the first in line."""

import datetime as dt
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from dossiers import services
from dossiers.enums import DecisionOutcome, DossierState
from dossiers.models import Capacity, CommissionDecision, RightUse

from .conftest import assign, run_together, walk
from .factories import CapacityFactory, DossierFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _transmitted(world, last_name):
    d = DossierFactory(student__current_school=world.school_a, student__last_name=last_name)
    walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    return d


@pytest.fixture
def full_with_queue(world, frozen):
    """One place at school B, taken by Lefèvre; Martin then Petit wait for it."""
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=1)
    assigned = _transmitted(world, "Lefèvre")
    assign(session=session, dossier=assigned, capacity=capacity, by=world.users.dasen1)
    waiting = []
    for name in ("Martin", "Petit"):
        d = _transmitted(world, name)
        services.decide(
            session=session,
            dossier=d,
            outcome=DecisionOutcome.LISTE_ATTENTE,
            capacity=capacity,
            reason="Capacité atteinte",
            by=world.users.commission1,
        )
        waiting.append(d)
    return session, capacity, assigned, waiting


def test_a_declined_place_goes_to_the_first_in_line(world, full_with_queue):
    session, capacity, assigned, (martin, petit) = full_with_queue
    with pytest.raises(ValidationError, match="Aucune place libre"):
        services.promote_from_waiting_list(capacity=capacity, by=world.users.dasen1)

    services.record_withdrawal(
        decision=assigned.decision, by=world.users.dasen1, reason="La famille refuse la place"
    )
    capacity.refresh_from_db()
    assigned.refresh_from_db()
    assert capacity.assigned == 0
    assert assigned.state == DossierState.SANS_SOLUTION
    assert not RightUse.objects.filter(dossier=assigned).exists()  # not exercised
    assert "désistement le" in assigned.decision.summary
    assert assigned.decided_school is None

    decision = services.promote_from_waiting_list(capacity=capacity, by=world.users.dasen1)
    assert decision.dossier == martin
    martin.refresh_from_db()
    capacity.refresh_from_db()
    assert capacity.assigned == 1
    assert martin.decision.outcome == DecisionOutcome.AFFECTE
    assert martin.decision.promoted_at is not None
    # A place given from the waiting list is a new proposal: pronounced like any other.
    assert martin.state == DossierState.PROPOSITION_AFFECTATION
    assert not RightUse.objects.filter(dossier=martin).exists()
    services.pronounce(session=session, by=world.users.dasen1)
    martin.refresh_from_db()
    assert martin.state == DossierState.DECIDE_COMMISSION
    assert martin.decided_school == world.school_b
    assert RightUse.objects.filter(dossier=martin).exists()
    assert [d.dossier for d in services.waiting_list_of([capacity])] == [petit]


def test_a_withdrawal_is_recorded_once_and_needs_a_reason(world, full_with_queue):
    _, capacity, assigned, (martin, _) = full_with_queue
    with pytest.raises(ValidationError, match="motif du désistement"):
        services.record_withdrawal(decision=assigned.decision, by=world.users.dasen1, reason=" ")
    services.record_withdrawal(decision=assigned.decision, by=world.users.dasen1, reason="Refus")
    with pytest.raises(ValidationError, match="déjà été enregistré"):
        services.record_withdrawal(
            decision=assigned.decision, by=world.users.dasen1, reason="Refus"
        )
    with pytest.raises(ValidationError, match="Seule une affectation"):
        services.record_withdrawal(decision=martin.decision, by=world.users.dasen1, reason="x")
    assert Capacity.objects.get(pk=capacity.pk).assigned == 0


def test_a_pupil_enrolled_elsewhere_no_longer_waits(world, full_with_queue):
    _, capacity, assigned, (martin, petit) = full_with_queue
    martin.declare_without_solution(by=world.users.chef_a)
    martin.confirm_enrolment(by=world.users.chef_a, school=world.school_a)
    services.record_withdrawal(decision=assigned.decision, by=world.users.dasen1, reason="Refus")
    decision = services.promote_from_waiting_list(capacity=capacity, by=world.users.dasen1)
    assert decision.dossier == petit


def test_a_pupil_whose_right_is_spent_is_passed_over(world, full_with_queue, on_day):
    _, capacity, assigned, (martin, petit) = full_with_queue
    services.record_withdrawal(decision=assigned.decision, by=world.users.dasen1, reason="Refus")
    # Martin already re-prepared this exam after an earlier failure (D.331-61: once only).
    earlier = DossierFactory(student=martin.student, exam_result__session_year=2023)
    RightUse.objects.create(
        student=martin.student,
        exam=martin.exam_result.exam,
        specialty=martin.exam_result.specialty,
        dossier=earlier,
        session_year=2023,
        school_year=2023,
        used_on=earlier.opened_on,
    )
    decision = services.promote_from_waiting_list(capacity=capacity, by=world.users.dasen1)
    assert decision.dossier == petit


def test_no_place_is_given_once_the_right_has_lapsed(world, full_with_queue, on_day, client_for):
    _, capacity, assigned, (martin, _) = full_with_queue
    services.record_withdrawal(decision=assigned.decision, by=world.users.dasen1, reason="Refus")
    on_day(martin.right_end + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="ne peut plus être affecté.*a pris fin"):
        services.promote_from_waiting_list(capacity=capacity, by=world.users.dasen1)
    board = client_for(world.users.commission1).get(reverse("dossiers:capacities")).text
    assert f"Droit à la re-préparation échu le {martin.right_end:%d/%m/%Y}" in board
    assert "Attribuer la place libre" not in board  # Petit's right has lapsed too
    assert Capacity.objects.get(pk=capacity.pk).assigned == 0


def test_commission_pages_record_the_withdrawal_and_give_the_place(
    world, full_with_queue, client_for
):
    session, capacity, assigned, (martin, petit) = full_with_queue
    client = client_for(world.users.commission1)
    board = client.get(reverse("dossiers:capacities")).text
    queue = board.split(f'data-testid="waiting-{capacity.public_id}"')[1].split("</ol>")[0]
    assert queue.index("MARTIN") < queue.index("PETIT")
    assert "Attribuer la place libre" not in board  # no free place yet

    withdraw = reverse("dossiers:decision_withdraw", args=[assigned.public_id])
    refused = client.post(withdraw, {"reason": ""})
    assert refused.status_code == 409
    assert "Indiquez le motif du désistement." in refused.text
    response = client.post(withdraw, {"reason": "La famille refuse la place"}, follow=True)
    assert "désistement enregistré, la place est libérée" in response.text

    board = client.get(reverse("dossiers:capacities")).text
    assert "Attribuer la place libre au premier de la liste" in board
    promote = reverse("dossiers:capacity_promote", args=[capacity.public_id])
    response = client.post(promote, follow=True)
    assert "MARTIN" in response.text and "depuis la liste d&#x27;attente" in response.text
    again = client.post(promote)
    assert again.status_code == 409
    assert "Aucune place libre" in again.text
    martin.refresh_from_db()
    assert martin.state == DossierState.PROPOSITION_AFFECTATION
    assert Capacity.objects.get(pk=capacity.pk).assigned == 1


def test_outsiders_can_neither_withdraw_nor_promote(world, full_with_queue, client_for):
    _, capacity, assigned, _ = full_with_queue
    withdraw = reverse("dossiers:decision_withdraw", args=[assigned.public_id])
    promote = reverse("dossiers:capacity_promote", args=[capacity.public_id])
    for user in (world.users.commission2, world.users.dasen2, world.users.chef_a, world.users.cio1):
        client = client_for(user)
        assert client.post(withdraw, {"reason": "Refus"}).status_code == 404
        assert client.post(promote).status_code == 404
    assigned.refresh_from_db()
    assert assigned.decision.withdrawn_at is None
    assert Capacity.objects.get(pk=capacity.pk).assigned == 1


@pytest.mark.django_db(transaction=True)
def test_one_freed_place_is_given_once_when_two_members_click_together(world, on_day):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrence vérifiée sur PostgreSQL (verrous de ligne).")
    on_day()
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=1)
    for name in ("Martin", "Petit"):
        services.decide(
            session=session,
            dossier=_transmitted(world, name),
            outcome=DecisionOutcome.LISTE_ATTENTE,
            capacity=capacity,
            reason="Capacité atteinte",
            by=world.users.commission1,
        )
    outcomes = run_together(
        *(
            partial(services.promote_from_waiting_list, capacity=capacity, by=user)
            for user in (world.users.dasen1, world.users.commission1)
        )
    )
    assert outcomes.count("ok") == 1
    assert any("Aucune place libre" in o for o in outcomes)
    assert Capacity.objects.get(pk=capacity.pk).assigned == 1
    assert CommissionDecision.objects.filter(outcome=DecisionOutcome.AFFECTE).count() == 1
