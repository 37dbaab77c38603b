import datetime as dt

import pytest

from notifications.enums import DeadlineKind
from notifications.models import Deadline
from notifications.services import DeadlineSpec, sync_deadlines

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_deadlines(world):
    student = StudentFactory(current_school=world.school_a)
    common = {
        "due_date": dt.date(2026, 9, 10),
        "url": "/",
        "student_id": student.pk,
        "school_id": world.school_a.pk,
    }
    sync_deadlines(
        subject=student,
        specs=[
            DeadlineSpec(kind=DeadlineKind.ENTRETIEN_SITUATION, label="Entretien", **common),
            DeadlineSpec(kind=DeadlineKind.MLDS_BILAN, label="Bilan MLDS", **common),
        ],
    )


def kinds_for(user):
    return set(Deadline.objects.visible_to(user).values_list("kind", flat=True))


def test_each_role_sees_only_the_deadlines_of_cases_it_handles(world, two_deadlines):
    assert kinds_for(world.users.chef_a) == {DeadlineKind.ENTRETIEN_SITUATION}
    assert kinds_for(world.users.mlds1) == {DeadlineKind.MLDS_BILAN}
    assert kinds_for(world.users.cio1) == {
        DeadlineKind.ENTRETIEN_SITUATION,
        DeadlineKind.MLDS_BILAN,
    }
    assert kinds_for(world.users.foquale) == set()
    assert kinds_for(world.users.chef_b) == set()
    assert kinds_for(world.users.pilot) == set()
