from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dossiers import services
from dossiers.enums import DecisionOutcome, DossierState
from dossiers.models import Capacity, CommissionDecision, RightUse

from .conftest import pdf_text, run_together, walk
from .factories import CapacityFactory, DossierFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_assignment_takes_a_place_then_uses_the_right_once_pronounced(world, transmitted):
    """Domain.md §4.5: the commission proposes (the place is held), the IA-DASEN pronounces
    (the D.331-61 right is used then)."""
    dossier, session, capacity = transmitted
    decision = services.decide(
        session=session,
        dossier=dossier,
        outcome=DecisionOutcome.AFFECTE,
        capacity=capacity,
        by=world.users.commission1,
    )
    dossier.refresh_from_db()
    capacity.refresh_from_db()
    assert dossier.state == DossierState.PROPOSITION_AFFECTATION
    assert capacity.assigned == 1
    assert decision.summary.startswith("Affectation proposée : Lycée Jacques Amyot")
    assert not RightUse.objects.filter(dossier=dossier).exists()
    assert dossier.decided_school is None
    services.pronounce(session=session, by=world.users.dasen1)
    dossier.refresh_from_db()
    decision.refresh_from_db()
    assert dossier.state == DossierState.DECIDE_COMMISSION
    assert decision.summary.startswith("Affecté : Lycée Jacques Amyot")
    assert RightUse.objects.filter(dossier=dossier).exists()
    assert dossier.decided_school == world.school_b


def test_second_decision_on_the_same_dossier_is_refused_clearly(world, transmitted):
    dossier, session, capacity = transmitted
    services.decide(
        session=session,
        dossier=dossier,
        outcome="liste_attente",
        reason="Complet",
        by=world.users.dasen1,
    )
    with pytest.raises(ValidationError, match="déjà été décidé en séance du 10/07/2025"):
        services.decide(
            session=session,
            dossier=dossier,
            outcome=DecisionOutcome.AFFECTE,
            capacity=capacity,
            by=world.users.ienio1,
        )
    assert CommissionDecision.objects.count() == 1
    capacity.refresh_from_db()
    assert capacity.assigned == 0


def test_capacity_is_never_exceeded(world, transmitted):
    dossier, session, capacity = transmitted
    other = DossierFactory(student__current_school=world.school_a)
    walk(other, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    services.decide(
        session=session,
        dossier=dossier,
        outcome="affecte",
        capacity=capacity,
        by=world.users.dasen1,
    )
    with pytest.raises(ValidationError, match="Plus aucune place"):
        services.decide(
            session=session,
            dossier=other,
            outcome="affecte",
            capacity=capacity,
            by=world.users.dasen1,
        )
    other.refresh_from_db()
    assert other.state == DossierState.TRANSMIS_COMMISSION


def test_refusal_needs_a_reason_and_other_departement_is_refused(world, transmitted):
    dossier, session, _ = transmitted
    with pytest.raises(ValidationError, match="motif"):
        services.decide(
            session=session, dossier=dossier, outcome="non_affecte", by=world.users.dasen1
        )
    other_session = SessionFactory(commission__departement=world.dep2)
    with pytest.raises(ValidationError, match="autre département"):
        services.decide(
            session=other_session,
            dossier=dossier,
            outcome="non_affecte",
            reason="x",
            by=world.users.dasen2,
        )


def test_docket_lists_transmitted_dossiers_by_priority(world, frozen):
    chef = world.users.chef_a
    far = DossierFactory(student__current_school=world.school_a, average=5, below_ten_count=6)
    near = DossierFactory(student__current_school=world.school_a, average=9, below_ten_count=1)
    tie = DossierFactory(student__current_school=world.school_a, average=5, below_ten_count=8)
    none = DossierFactory(student__current_school=world.school_a, average=None)
    for d in (near, far, tie, none):
        walk(d, chef, "transmis_commission", proposed_school=world.school_b)
    DossierFactory(student__current_school=world.school_d, transmitted=True)  # other département
    session = SessionFactory(commission__departement=world.dep1)
    assert list(session.pending_dossiers()) == [none, tie, far, near]


def test_minutes_pdf_lists_members_and_decisions(world, transmitted, media_root):
    dossier, session, capacity = transmitted
    services.decide(
        session=session,
        dossier=dossier,
        outcome="affecte",
        capacity=capacity,
        by=world.users.dasen1,
    )
    waiting = DossierFactory(student__current_school=world.school_a, student__last_name="Petit")
    walk(waiting, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    services.decide(
        session=session,
        dossier=waiting,
        outcome="liste_attente",
        capacity=capacity,
        reason="Capacité atteinte",
        by=world.users.dasen1,
    )
    doc = services.render_minutes(session=session, by=world.users.dasen1)
    text = pdf_text(doc.file.path)
    assert "Capacité atteinte (formation attendue : Lycée Jacques Amyot" in text
    assert "Procès-verbal de la commission d'affectation" in text
    assert "IEN-IO" in text and "LEFÈVRE" in text and "Lycée Jacques Amyot" in text
    assert "Page 1 sur 1" in text
    assert world.academie.name in text or "Académie" in text


@pytest.mark.django_db(transaction=True)
def test_two_members_deciding_at_once_only_one_wins(world, on_day):
    """Two transactions decide the same dossier concurrently: exactly one decision."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrence vérifiée sur PostgreSQL (verrous de ligne).")
    on_day()
    d = DossierFactory(student__current_school=world.school_a)
    walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=5)
    outcomes = run_together(
        *(
            partial(
                services.decide,
                session=session,
                dossier=d,
                outcome="affecte",
                capacity=capacity,
                by=user,
            )
            for user in (world.users.dasen1, world.users.ienio1)
        )
    )
    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1
    assert any("déjà été décidé" in o for o in outcomes)
    assert CommissionDecision.objects.filter(dossier=d).count() == 1
    assert Capacity.objects.get(pk=capacity.pk).assigned == 1


@pytest.mark.django_db(transaction=True)
def test_last_place_cannot_be_given_twice_at_once(world, on_day):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrence vérifiée sur PostgreSQL (verrous de ligne).")
    on_day()
    session = SessionFactory(commission__departement=world.dep1)
    capacity = CapacityFactory(commission=session.commission, school=world.school_b, places=1)
    dossiers = []
    for _ in range(2):
        d = DossierFactory(student__current_school=world.school_a)
        walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
        dossiers.append(d)
    outcomes = run_together(
        *(
            partial(
                services.decide,
                session=session,
                dossier=dossier,
                outcome="affecte",
                capacity=capacity,
                by=user,
            )
            for dossier, user in zip(
                dossiers, (world.users.dasen1, world.users.ienio1), strict=True
            )
        )
    )
    assert outcomes.count("ok") == 1
    assert any("Plus aucune place" in o for o in outcomes)
    assert Capacity.objects.get(pk=capacity.pk).assigned == 1
