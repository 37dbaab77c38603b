import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from mlds import rules
from mlds.enums import AmbitionEmploiOutcome, AmbitionEmploiStatus
from mlds.models import AmbitionEmploi
from mlds.services import propose_ambition_emploi
from notifications.models import Deadline

from ..dossiers.factories import ExamResultFactory
from ..notifications.factories import school_year
from .factories import PartnerFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db
A = AmbitionEmploiStatus


@pytest.fixture
def calendar(world):
    """The national calendar: session 2025 results on 4 July 2025, rentrée 1 September 2025,
    end of classes on Saturday 4 July 2026."""
    school_year(
        2024,
        rentree=dt.date(2024, 9, 2),
        end_of_classes=dt.date(2025, 7, 5),
        results={"bac": dt.date(2025, 7, 4)},
    )
    school_year(2025, rentree=dt.date(2025, 9, 1), end_of_classes=dt.date(2026, 7, 4))
    school_year(2026, rentree=dt.date(2026, 9, 1), end_of_classes=dt.date(2027, 7, 3))


@pytest.fixture
def accepted(world, calendar, frozen_today):
    student = YoungPersonFactory(current_school=world.school_a)
    parcours = propose_ambition_emploi(
        student=student,
        by=world.users.chef_a,
        diploma="cap",
        is_volunteer=True,
        partners=[PartnerFactory(departement=world.dep1)],
        origin="Dossier de re-préparation 2025",
    )
    parcours.accept(by=world.users.chef_a)
    return parcours


def start(parcours, user, day, end=None):
    parcours.start(
        by=user, start_date=day, planned_end_date=end or rules.ambition_emploi_latest_end(day)
    )


def test_rules_four_months_and_two_thirds():
    """Arrêté du 18 juillet 2023, art. 3: at most 4 months, PFMP at most two thirds."""
    assert rules.ambition_emploi_latest_end(dt.date(2025, 9, 1)) == dt.date(2025, 12, 31)
    assert rules.ambition_emploi_latest_end(dt.date(2025, 10, 31)) == dt.date(2026, 2, 27)
    assert rules.working_days(dt.date(2025, 9, 1), dt.date(2025, 9, 7)) == 5
    assert rules.pfmp_max_days(dt.date(2025, 9, 1), dt.date(2025, 9, 12)) == 6  # 10 * 2 // 3


def test_proposal_from_a_dossier_keeps_the_school_of_enrolment(world, accepted):
    assert accepted.school == world.school_a
    assert accepted.status == A.ACCEPTE
    assert accepted.session_year == 2025
    assert "re-préparation" in accepted.logs.first().comment


def test_proposal_is_idempotent(world, accepted):
    again = propose_ambition_emploi(student=accepted.student, by=world.users.mlds1, diploma="cap")
    assert again.pk == accepted.pk


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"diploma": "bac_general"}, "cycle de bac professionnel"),
        ({"diploma": "cap", "session_year": 2023}, "dernière session"),
        ({"diploma": "bac_pro", "is_employed_or_in_training": True}, "en emploi ou en formation"),
    ],
)
def test_ineligible_young_people_are_refused(world, calendar, frozen_today, kwargs, message):
    """Arrêté du 18 juillet 2023, art. 2: CAP / bac pro / BMA / DTMS cycle completed at the
    last session, neither employed nor in training."""
    student = YoungPersonFactory(current_school=world.school_a)
    with pytest.raises(ValidationError, match=message):
        propose_ambition_emploi(student=student, by=world.users.chef_a, **kwargs)
    assert not AmbitionEmploi.objects.exists()


def test_acceptance_requires_the_young_person_to_volunteer(world, calendar, frozen_today):
    student = YoungPersonFactory(current_school=world.school_a)
    parcours = propose_ambition_emploi(student=student, by=world.users.chef_a, diploma="cap")
    with pytest.raises(ValidationError, match="volontariat"):
        parcours.accept(by=world.users.chef_a)


def test_end_past_four_months_is_refused_with_the_reason(world, accepted):
    with pytest.raises(ValidationError, match="au plus tard le 31/12/2025"):
        start(accepted, world.users.chef_a, dt.date(2025, 9, 1), dt.date(2026, 1, 1))
    accepted.refresh_from_db()
    assert accepted.status == A.ACCEPTE


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (dt.date(2025, 7, 15), False),  # summer after the session: passed before the fix
        (dt.date(2025, 8, 31), False),  # eve of the rentrée
        (dt.date(2025, 9, 1), True),  # rentrée
        (dt.date(2025, 9, 2), True),  # day after
    ],
)
def test_pae_starts_from_the_rentree_after_the_last_session_arrete_18_juillet_2023(
    world, accepted, day, allowed
):
    """Arrêté du 18 juillet 2023, art. 3: the parcours "débute à partir de la rentrée
    scolaire" that follows the session of the completed cycle (2025 → 1 September 2025)."""
    if allowed:
        start(accepted, world.users.chef_a, day)
        assert accepted.status == A.EN_COURS
    else:
        with pytest.raises(ValidationError, match="pas avant le 01/09/2025"):
            start(accepted, world.users.chef_a, day)
        accepted.refresh_from_db()
        assert accepted.status == A.ACCEPTE


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (dt.date(2026, 7, 4), True),  # last day of classes of 2025-2026
        (dt.date(2026, 7, 5), False),  # the day after
        (dt.date(2026, 9, 1), False),  # a year later: no longer the same offer
    ],
)
def test_a_start_a_year_later_is_not_the_same_offer_arrete_18_juillet_2023(
    world, accepted, day, allowed
):
    """Reading of the arrêté (README « Règles en vigueur »): the parcours follows the last
    session, so it starts within the school year after it, at the latest on its end of
    classes (calendar)."""
    if allowed:
        start(accepted, world.users.chef_a, day)
        assert accepted.status == A.EN_COURS
    else:
        with pytest.raises(ValidationError, match="ce n'est plus le Parcours Ambition emploi"):
            start(accepted, world.users.chef_a, day)


def test_the_academie_calendar_overrides_the_national_rentree(world, accepted):
    """One calendar: an académie whose rentrée is 2 September refuses a start on the 1st."""
    school_year(
        2025,
        academie=world.academie,
        rentree=dt.date(2025, 9, 2),
        end_of_classes=dt.date(2026, 7, 4),
    )
    with pytest.raises(ValidationError, match="pas avant le 02/09/2025"):
        start(accepted, world.users.chef_a, dt.date(2025, 9, 1))
    start(accepted, world.users.chef_a, dt.date(2025, 9, 2))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("is_employed_or_in_training", True, "en emploi ou en formation"),
        ("diploma", "dnb", "cycle de bac professionnel"),
    ],
)
def test_eligibility_is_checked_again_at_the_start_arrete_18_juillet_2023(
    world, accepted, field, value, message
):
    """Arrêté du 18 juillet 2023, art. 2: the conditions hold when the young person is
    admitted into the parcours, not only when it is proposed."""
    AmbitionEmploi.objects.filter(pk=accepted.pk).update(**{field: value})
    accepted.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        start(accepted, world.users.chef_a, dt.date(2025, 9, 1))
    accepted.refresh_from_db()
    assert accepted.status == A.ACCEPTE


def test_start_form_asks_to_confirm_the_situation(world, accepted, client_for):
    client = client_for(world.users.mlds1)
    url = f"/mlds/ambition-emploi/{accepted.public_id}/demarrer/"
    data = {
        "demarrer-version": accepted.version,
        "demarrer-start_date": "2025-09-01",
        "demarrer-planned_end_date": "2025-12-31",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "ni en emploi ni en formation" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == A.ACCEPTE
    response = client.post(url, {**data, "demarrer-situation_confirmed": "on"})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == A.EN_COURS


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.datetime(2025, 8, 20, 10), "2025-09-01"),  # summer: the rentrée, not today
        (dt.datetime(2025, 10, 15, 10), "2025-10-15"),  # after the rentrée: today
    ],
)
def test_start_form_proposes_the_rentree_not_a_summer_date(
    world, calendar, client_for, today, expected
):
    with time_machine.travel(dt.datetime(2025, 7, 20, 10), tick=False):
        student = YoungPersonFactory(current_school=world.school_a)
        parcours = propose_ambition_emploi(
            student=student, by=world.users.mlds1, diploma="cap", is_volunteer=True
        )
        parcours.accept(by=world.users.mlds1)
    with time_machine.travel(today, tick=False):
        page = client_for(world.users.mlds1).get(parcours.get_absolute_url())
    html = page.content.decode()
    assert f'name="demarrer-start_date" value="{expected}"' in html
    assert "du 01/09/2025" in html and "au 04/07/2026" in html


def test_proposal_from_a_follow_up_takes_the_cycle_from_the_exam_results(
    world, calendar, frozen_today, client_for, make_follow_up
):
    """When the app holds the young person's CAP / bac pro result, the cycle and the session
    come from it, not from what was typed."""
    follow_up = make_follow_up("bilan")
    ExamResultFactory(student=follow_up.student, cap=True, session_year=2025)
    response = client_for(world.users.mlds1).post(
        f"/mlds/suivis/{follow_up.public_id}/ambition-emploi/",
        {
            "ambition-diploma": "bac_pro",
            "ambition-is_volunteer": "1",
            "ambition-is_employed_or_in_training": "0",
        },
    )
    assert response.status_code == 302
    parcours = AmbitionEmploi.objects.get(student=follow_up.student)
    assert (parcours.diploma, parcours.session_year) == ("cap", 2025)
    assert "résultats d'examen" in parcours.logs.first().comment


def test_an_old_exam_result_is_not_the_last_session(
    world, calendar, frozen_today, client_for, make_follow_up
):
    follow_up = make_follow_up("bilan")
    ExamResultFactory(student=follow_up.student, session_year=2024)  # bac pro 2024
    client = client_for(world.users.mlds1)
    response = client.post(
        f"/mlds/suivis/{follow_up.public_id}/ambition-emploi/",
        {
            "ambition-diploma": "cap",
            "ambition-is_volunteer": "1",
            "ambition-is_employed_or_in_training": "0",
        },
        follow=True,
    )
    assert "dernière session (2025)" in response.content.decode()
    assert not AmbitionEmploi.objects.exists()


def test_without_exam_results_the_typed_cycle_is_used(
    world, calendar, frozen_today, client_for, make_follow_up
):
    follow_up = make_follow_up("bilan")
    client = client_for(world.users.mlds1)
    page = client.get(follow_up.get_absolute_url()).content.decode()
    assert "Résultat d'examen connu" not in page
    response = client.post(
        f"/mlds/suivis/{follow_up.public_id}/ambition-emploi/",
        {
            "ambition-diploma": "dtms",
            "ambition-is_volunteer": "1",
            "ambition-is_employed_or_in_training": "0",
        },
    )
    assert response.status_code == 302
    parcours = AmbitionEmploi.objects.get(student=follow_up.student)
    assert (parcours.diploma, parcours.session_year) == ("dtms", 2025)


def test_running_parcours_has_deadlines_and_pfmp_limit(world, accepted):
    start(accepted, world.users.chef_a, dt.date(2025, 9, 1), dt.date(2025, 10, 31))
    limit = accepted.pfmp_max_days  # 45 working days → 30
    assert limit == 30
    accepted.add_pfmp(
        by=world.users.chef_a,
        host="Boulangerie",
        start=dt.date(2025, 9, 8),
        end=dt.date(2025, 10, 3),
    )  # 20 days
    with pytest.raises(ValidationError, match="deux tiers"):
        accepted.add_pfmp(
            by=world.users.chef_a,
            host="Garage",
            start=dt.date(2025, 10, 6),
            end=dt.date(2025, 10, 24),
        )  # +15 = 35 > 30
    assert accepted.pfmp_periods.count() == 1
    kinds = dict(
        Deadline.objects.filter(object_id=accepted.pk, kind__startswith="ambition").values_list(
            "kind", "due_date"
        )
    )
    assert kinds == {
        "ambition_emploi_bilan": dt.date(2025, 11, 1),
        "ambition_emploi_fin": dt.date(2025, 10, 31),
    }


def test_shortening_below_the_pfmp_already_done_is_refused(world, accepted):
    start(accepted, world.users.chef_a, dt.date(2025, 9, 1), dt.date(2025, 12, 31))
    accepted.add_pfmp(
        by=world.users.chef_a, host="Atelier", start=dt.date(2025, 9, 1), end=dt.date(2025, 10, 31)
    )  # 45 days
    with pytest.raises(ValidationError, match="deux tiers"):
        accepted.change_end(by=world.users.chef_a, planned_end_date=dt.date(2025, 11, 14))


def test_outcome_is_required_to_close(world, accepted):
    start(accepted, world.users.chef_a, dt.date(2025, 9, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValidationError, match="issue du parcours est obligatoire"):
        accepted.close(by=world.users.chef_a, outcome="", end_date=dt.date(2025, 10, 15))
    accepted.close(
        by=world.users.chef_a, outcome=AmbitionEmploiOutcome.EMPLOI, end_date=dt.date(2025, 10, 15)
    )
    assert accepted.status == A.CLOS
    assert not Deadline.objects.filter(object_id=accepted.pk, completed_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("day", "session"),
    [
        (dt.date(2024, 7, 7), 2023),  # eve of results day 2024 (Monday 8 July 2024)
        (dt.date(2024, 7, 8), 2024),  # results day
        (dt.date(2025, 7, 3), 2024),  # eve of results day 2025 (Friday 4 July 2025)
        (dt.date(2025, 7, 4), 2025),
    ],
)
def test_last_session_changes_on_the_calendar_results_day(world, day, session):
    """domain.md §8: 2024 results on 8 July, 2025 on 4 July — from the one calendar."""
    school_year(
        2023,
        rentree=dt.date(2023, 9, 4),
        end_of_classes=dt.date(2024, 7, 6),
        results={"bac": dt.date(2024, 7, 8)},
    )
    school_year(
        2024,
        rentree=dt.date(2024, 9, 2),
        end_of_classes=dt.date(2025, 7, 5),
        results={"bac": dt.date(2025, 7, 4)},
    )
    assert rules.last_session_year(day, world.academie.pk) == session


def test_no_proposal_once_the_start_window_is_over_arrete_18_juillet_2023(world, calendar):
    """Between the end of classes (4 July 2026) and the next results day (7 July 2026) the
    last session is still 2025, but its parcours can no longer start."""
    school_year(
        2025,
        rentree=dt.date(2025, 9, 1),
        end_of_classes=dt.date(2026, 7, 4),
        results={"bac": dt.date(2026, 7, 7)},
    )
    student = YoungPersonFactory(current_school=world.school_a)
    with (
        time_machine.travel(dt.datetime(2026, 7, 6, 10), tick=False),
        pytest.raises(ValidationError, match="au plus tard le 04/07/2026"),
    ):
        propose_ambition_emploi(student=student, by=world.users.mlds1, diploma="cap")
    with time_machine.travel(dt.datetime(2026, 7, 4, 10), tick=False):
        assert propose_ambition_emploi(student=student, by=world.users.mlds1, diploma="cap")
