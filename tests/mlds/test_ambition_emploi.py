import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from mlds import rules
from mlds.enums import AmbitionEmploiOutcome, AmbitionEmploiStatus
from mlds.models import AmbitionEmploi, Rentree
from mlds.services import propose_ambition_emploi
from notifications.models import Deadline

from .factories import PartnerFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db
A = AmbitionEmploiStatus


@pytest.fixture
def accepted(world, frozen_today):
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


def test_rules_four_months_and_two_thirds():
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
def test_ineligible_young_people_are_refused(world, frozen_today, kwargs, message):
    student = YoungPersonFactory(current_school=world.school_a)
    with pytest.raises(ValidationError, match=message):
        propose_ambition_emploi(student=student, by=world.users.chef_a, **kwargs)
    assert not AmbitionEmploi.objects.exists()


def test_acceptance_requires_the_young_person_to_volunteer(world, frozen_today):
    student = YoungPersonFactory(current_school=world.school_a)
    parcours = propose_ambition_emploi(student=student, by=world.users.chef_a, diploma="cap")
    with pytest.raises(ValidationError, match="volontariat"):
        parcours.accept(by=world.users.chef_a)


def test_end_past_four_months_is_refused_with_the_reason(world, accepted):
    with pytest.raises(ValidationError, match="au plus tard le 31/12/2025"):
        accepted.start(
            by=world.users.chef_a,
            start_date=dt.date(2025, 9, 1),
            planned_end_date=dt.date(2026, 1, 1),
        )
    accepted.refresh_from_db()
    assert accepted.status == A.ACCEPTE


def test_start_before_the_rentree_is_refused(world, accepted):
    Rentree.objects.create(school_year=2025, date=dt.date(2025, 9, 2))
    with pytest.raises(ValidationError, match="avant la rentrée \\(02/09/2025\\)"):
        accepted.start(
            by=world.users.chef_a,
            start_date=dt.date(2025, 9, 1),
            planned_end_date=dt.date(2025, 12, 1),
        )


@override_settings(MLDS_RENTREE_DATES={2025: "2025-09-08"})
def test_rentree_date_comes_from_settings_when_not_stored(world, accepted):
    assert Rentree.date_for(2025) == dt.date(2025, 9, 8)
    with pytest.raises(ValidationError, match="08/09/2025"):
        accepted.start(
            by=world.users.chef_a,
            start_date=dt.date(2025, 9, 5),
            planned_end_date=dt.date(2025, 12, 1),
        )


def test_default_rentree_is_first_monday_of_september():
    assert rules.default_rentree(2025) == dt.date(2025, 9, 1)
    assert rules.default_rentree(2024) == dt.date(2024, 9, 2)


def test_running_parcours_has_deadlines_and_pfmp_limit(world, accepted):
    accepted.start(
        by=world.users.chef_a,
        start_date=dt.date(2025, 9, 1),
        planned_end_date=dt.date(2025, 10, 31),
    )
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
    accepted.start(
        by=world.users.chef_a,
        start_date=dt.date(2025, 9, 1),
        planned_end_date=dt.date(2025, 12, 31),
    )
    accepted.add_pfmp(
        by=world.users.chef_a, host="Atelier", start=dt.date(2025, 9, 1), end=dt.date(2025, 10, 31)
    )  # 45 days
    with pytest.raises(ValidationError, match="deux tiers"):
        accepted.change_end(by=world.users.chef_a, planned_end_date=dt.date(2025, 11, 14))


def test_outcome_is_required_to_close(world, accepted):
    accepted.start(
        by=world.users.chef_a,
        start_date=dt.date(2025, 9, 1),
        planned_end_date=dt.date(2025, 12, 31),
    )
    with pytest.raises(ValidationError, match="issue du parcours est obligatoire"):
        accepted.close(by=world.users.chef_a, outcome="", end_date=dt.date(2025, 10, 15))
    accepted.close(
        by=world.users.chef_a, outcome=AmbitionEmploiOutcome.EMPLOI, end_date=dt.date(2025, 10, 15)
    )
    assert accepted.status == A.CLOS
    assert not Deadline.objects.filter(object_id=accepted.pk, completed_at__isnull=True).exists()


def test_last_session_changes_in_july():
    with time_machine.travel(dt.datetime(2026, 6, 30, 12), tick=False):
        assert rules.last_session_year(dt.date.today()) == 2025
    assert rules.last_session_year(dt.date(2026, 7, 1)) == 2026
