import datetime as dt

import pytest
import time_machine

from notifications.enums import DeadlineKind
from notifications.models import Deadline
from notifications.services import DeadlineSpec, clear_deadlines, sync_deadlines

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def spec(student, kind=DeadlineKind.ENTRETIEN_SITUATION, due=dt.date(2026, 7, 10), **kw):
    return DeadlineSpec(
        kind=kind,
        due_date=due,
        label=f"Entretien de {student}",
        url=f"/eleves/{student.public_id}/",
        student_id=student.pk,
        school_id=student.current_school_id,
        departement_id=student.current_school.departement_id,
        **kw,
    )


def rows(student):
    return {d.kind: d for d in Deadline.objects.filter(object_id=student.pk)}


def test_sync_is_idempotent(world):
    student = StudentFactory(current_school=world.school_a)
    sync_deadlines(subject=student, specs=[spec(student)])
    first = rows(student)[DeadlineKind.ENTRETIEN_SITUATION]
    sync_deadlines(subject=student, specs=[spec(student)])
    again = rows(student)[DeadlineKind.ENTRETIEN_SITUATION]
    assert Deadline.objects.count() == 1
    assert again.pk == first.pk and again.updated_at == first.updated_at


def test_due_date_is_recomputed_when_the_case_changes(world):
    student = StudentFactory(current_school=world.school_a)
    sync_deadlines(subject=student, specs=[spec(student)])
    sync_deadlines(subject=student, specs=[spec(student, due=dt.date(2026, 7, 15))])
    assert rows(student)[DeadlineKind.ENTRETIEN_SITUATION].due_date == dt.date(2026, 7, 15)


@time_machine.travel(dt.datetime(2026, 7, 9, 10, tzinfo=dt.UTC), tick=False)
def test_done_then_undone(world):
    student = StudentFactory(current_school=world.school_a)
    sync_deadlines(subject=student, specs=[spec(student, done=True)])
    done = rows(student)[DeadlineKind.ENTRETIEN_SITUATION]
    assert done.completed_at == dt.datetime(2026, 7, 9, 10, tzinfo=dt.UTC)
    assert not Deadline.objects.open().exists()
    sync_deadlines(subject=student, specs=[spec(student, done=False)])
    assert rows(student)[DeadlineKind.ENTRETIEN_SITUATION].completed_at is None
    assert Deadline.objects.overdue(dt.date(2026, 7, 11)).count() == 1


def test_kinds_no_longer_wanted_are_removed(world):
    student = StudentFactory(current_school=world.school_a)
    sync_deadlines(
        subject=student,
        specs=[spec(student), spec(student, kind=DeadlineKind.FAMILY_INFORMED)],
    )
    sync_deadlines(subject=student, specs=[spec(student, kind=DeadlineKind.FAMILY_INFORMED)])
    assert set(rows(student)) == {DeadlineKind.FAMILY_INFORMED}
    clear_deadlines(subject=student)
    assert not Deadline.objects.exists()
