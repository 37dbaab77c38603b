import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from mlds.enums import FollowUpSource, FollowUpStatus
from mlds.models import FollowUp
from mlds.services import open_follow_up
from notifications.models import Deadline

from .factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def test_opening_takes_the_school_departement_and_sets_contact_deadline(world, frozen_today):
    student = YoungPersonFactory(current_school=world.school_a)
    follow_up = open_follow_up(
        student=student,
        source=FollowUpSource.SIGNALEMENT_ETABLISSEMENT,
        by=world.users.chef_a,
        note="Absent depuis la Toussaint",
    )
    assert follow_up.status == FollowUpStatus.SIGNALE
    assert follow_up.departement == world.dep1
    assert follow_up.origin_school == world.school_a
    assert follow_up.contact_due_on == frozen_today + dt.timedelta(days=15)
    assert follow_up.logs.get().comment.startswith("Signalement : Signalement d'un établissement")
    kinds = set(Deadline.objects.filter(student=student).values_list("kind", flat=True))
    assert kinds == {"mlds_contact", "age_25"}


def test_second_hand_over_returns_the_open_follow_up(world, frozen_today):
    student = YoungPersonFactory(current_school=world.school_a)
    first = open_follow_up(student=student, source=FollowUpSource.GPDS, by=world.users.chef_a)
    second = open_follow_up(
        student=student, source=FollowUpSource.REPREPA_SANS_SOLUTION, by=world.users.chef_a
    )
    assert second.pk == first.pk
    assert FollowUp.objects.filter(student=student).count() == 1
    assert "Nouveau signalement" in first.logs.order_by("id").last().comment


def test_young_person_without_school_takes_the_coordinator_departement(world, frozen_today):
    student = YoungPersonFactory(without_school=True)
    follow_up = open_follow_up(
        student=student, source=FollowUpSource.AUTO_SAISINE, by=world.users.mlds2
    )
    assert follow_up.departement == world.dep2
    assert follow_up.origin_school is None


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [(dt.date(2010, 11, 2), "16 à 24 ans"), (dt.date(2000, 10, 15), "s'arrête à 25 ans")],
)
def test_age_out_of_range_is_refused_in_french(world, frozen_today, birth_date, message):
    student = YoungPersonFactory(current_school=world.school_a, birth_date=birth_date)
    with pytest.raises(ValidationError, match=message):
        open_follow_up(student=student, source=FollowUpSource.SIEI, by=world.users.mlds1)
    assert not FollowUp.objects.exists()


def test_turns_16_on_the_day(world):
    student = YoungPersonFactory(current_school=world.school_a, birth_date=dt.date(2009, 10, 16))
    with (
        time_machine.travel(dt.datetime(2025, 10, 15, 12), tick=False),
        pytest.raises(ValidationError),
    ):
        open_follow_up(student=student, source=FollowUpSource.GPDS, by=world.users.chef_a)
    with time_machine.travel(dt.datetime(2025, 10, 16, 8), tick=False):
        assert open_follow_up(student=student, source=FollowUpSource.GPDS, by=world.users.chef_a)
