"""Indicators built on the case apps, checked against counts made from the rows created."""

import datetime as dt

import pytest
from django.db.models.functions import Now

from dossiers.enums import DecisionOutcome, DossierState
from dossiers.models import CommissionDecision, DossierTransition, Entretien
from mlds.models import AmbitionEmploi, FollowUp
from prevention.enums import TdoOutcome, TdoStatus
from reports.indicators import aggregate, get_family, present

from ..dossiers.factories import CapacityFactory, CommissionFactory, DossierFactory, SessionFactory
from ..foquale.factories import PartnerFactory
from ..prevention.factories import TdoFactory
from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def totals(slug, **kw):
    family = get_family(slug)
    rows = aggregate(family, family.base(), territory="departement", dimensions=["annee"], **kw)
    return {(r["territoire_code"], r["g_annee"]): r for r in rows}


def test_reprepa_shares_match_the_dossiers(world):
    dossiers = [DossierFactory(student__current_school=world.school_a) for _ in range(7)]
    for d in dossiers[:4]:
        Entretien.objects.create(dossier=d, held_on=dt.date(2025, 7, 7), participants="CPE")
    for d in dossiers[1:3]:
        DossierTransition.objects.create(
            dossier=d, action="reinscrire", to_state=DossierState.REINSCRIT
        )
    without = DossierFactory(student__current_school=world.school_a, without_solution=True)
    dossiers.append(without)
    DossierFactory(student__current_school=world.school_d)  # other département
    row = totals("reprepa")[("077", 2024)]
    seen = sum(d.entretiens.exists() for d in dossiers)
    back = sum(d.transitions.filter(to_state=DossierState.REINSCRIT).exists() for d in dossiers)
    assert (row["ajournes"], row["vus_entretien"], row["reinscrits"], row["sans_solution"]) == (
        len(dossiers),
        seen,
        back,
        1,
    )
    shown = present(get_family("reprepa"), row, territory="departement", masked=False)
    assert shown["valeurs"]["part_vus_entretien"] == round(100 * seen / len(dossiers), 1)
    assert totals("reprepa")[("093", 2024)]["ajournes"] == 1


def test_commission_outcomes(world):
    session = SessionFactory(commission=CommissionFactory(departement=world.dep1))
    capacity = CapacityFactory(commission=session.commission, school=world.school_b)
    outcomes = [DecisionOutcome.AFFECTE] * 3 + [
        DecisionOutcome.NON_AFFECTE,
        DecisionOutcome.LISTE_ATTENTE,
    ]
    for outcome in outcomes:
        dossier = DossierFactory(student__current_school=world.school_a, transmitted=True)
        CommissionDecision.objects.create(
            dossier=dossier, session=session, outcome=outcome, decided_by=world.users.commission1,
            capacity=capacity if outcome == DecisionOutcome.AFFECTE else None,
            reason="" if outcome == DecisionOutcome.AFFECTE else "Plus de place",
        )  # fmt: skip
    # Two of the three assignments are pronounced by the IA-DASEN (domain.md §4.5).
    CommissionDecision.objects.filter(outcome=DecisionOutcome.AFFECTE).exclude(
        pk=CommissionDecision.objects.filter(outcome=DecisionOutcome.AFFECTE).last().pk
    ).update(pronounced_at=Now(), pronounced_by=world.users.dasen1)
    declined = CommissionDecision.objects.filter(outcome=DecisionOutcome.AFFECTE).first()
    declined.withdrawn_at, declined.withdrawal_reason = declined.decided_at, "Refus de la famille"
    declined.save()
    row = totals("commission")[("077", 2024)]
    assert row["decisions"] == len(outcomes)
    assert row["affectes"] == 1  # pronounced, not declined
    assert row["propositions"] == 1  # awaiting the pronouncement
    assert row["desistements"] == 1
    assert row["non_affectes"] == 1 and row["liste_attente"] == 1


def test_tdo_outcomes_at_four_months(world):
    def tdo(outcome=None, start=dt.date(2025, 11, 10)):
        closed = outcome is not None
        return TdoFactory(
            student__current_school=world.school_a,
            status=TdoStatus.CLOSED if closed else TdoStatus.RUNNING,
            start_date=start, end_date=start + dt.timedelta(days=120),
            outcome=outcome or "", bilan="Bilan" if closed else "", partner=PartnerFactory(),
        )  # fmt: skip

    outcomes = [
        TdoOutcome.BACK_TO_SCHOOL,
        TdoOutcome.BACK_TO_SCHOOL,
        TdoOutcome.JOB,
        TdoOutcome.LEFT,
    ]
    made = [tdo(o) for o in outcomes]
    made += [tdo(None), tdo(TdoOutcome.TRAINING, start=dt.date(2025, 3, 3))]
    rows = totals("tdo")
    row = rows[("077", 2025)]
    this_year = [t for t in made if t.start_date >= dt.date(2025, 9, 1)]
    closed = [t for t in this_year if t.status == TdoStatus.CLOSED]
    assert row["tdo_demarres"] == len(this_year) and row["tdo_clos"] == len(closed)
    assert row["tdo_retour_formation"] == 2 and row["tdo_emploi"] == 1
    assert row["tdo_avec_solution"] == sum(t.outcome != TdoOutcome.LEFT for t in closed)
    assert rows[("077", 2024)]["tdo_formation_apprentissage"] == 1  # March 2025: 2024-2025


def test_ambition_emploi_and_mlds_solutions(world):
    start = dt.date(2025, 9, 8)
    outcomes = ["emploi", "emploi", "formation", "sans_solution", ""]
    for outcome in outcomes:
        AmbitionEmploi.objects.create(
            student=StudentFactory(current_school=world.school_c), school=world.school_c,
            departement=world.dep1, diploma="bac_pro", session_year=2025, proposed_on=start,
            status="clos" if outcome else "en_cours", start_date=start, is_volunteer=True,
            planned_end_date=start + dt.timedelta(days=110),
            end_date=start + dt.timedelta(days=110) if outcome else None, outcome=outcome,
        )  # fmt: skip
    row = totals("ambition-emploi")[("077", 2025)]
    closed = [o for o in outcomes if o]
    assert (row["pae_demarres"], row["pae_clos"]) == (len(outcomes), len(closed))
    assert row["pae_emploi"] == 2 and row["pae_sans_solution"] == 1
    assert row["pae_avec_solution"] == len([o for o in closed if o != "sans_solution"])

    def follow(**kw):
        return FollowUp.objects.create(
            student=StudentFactory(current_school=None), departement=world.dep1, source="siei",
            signaled_on=dt.date(2025, 10, 1), contact_due_on=dt.date(2025, 10, 15), **kw,
        )  # fmt: skip

    follow(last_school=world.school_a, bilan_on=dt.date(2025, 10, 20))
    follow(last_school=world.school_a, bilan_on=dt.date(2025, 10, 20),
           solution_proposed_on=dt.date(2025, 11, 2), solution_start_on=dt.date(2025, 11, 10),
           solution_type="retour_fi")  # fmt: skip
    follow(last_school=world.school_b)
    follow(last_school=None)  # no known school: not placed in any territory
    row = totals("mlds")[("077", 2025)]
    assert (row["suivis"], row["bilans"], row["en_solution"], row["retour_formation_initiale"]) == (
        3,
        2,
        1,
        1,
    )


@pytest.mark.parametrize("slug", ["reprepa", "commission", "tdo", "ambition-emploi", "mlds"])
def test_every_family_answers_through_the_api_with_masking(world, api_for, slug):
    response = api_for(world.users.pilot).get(f"/api/v1/indicateurs/{slug}/", {"par": "annee"})
    assert response.status_code == 200 and response.json()["masquage"] is True
    csv = api_for(world.users.dasen1).get(f"/api/v1/indicateurs/{slug}/csv/")
    assert csv.status_code == 200
