import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.enums import DossierDeadline
from notifications.models import Deadline
from notifications.services import (
    DeadlineSpec,
    clear_deadlines,
    sync_deadlines,
    sync_deadlines_bulk,
    sync_deadlines_many,
)

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def spec(student, kind=DossierDeadline.ENTRETIEN_SITUATION, due=dt.date(2026, 7, 10), **kw):
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
    first = rows(student)[DossierDeadline.ENTRETIEN_SITUATION]
    sync_deadlines(subject=student, specs=[spec(student)])
    again = rows(student)[DossierDeadline.ENTRETIEN_SITUATION]
    assert Deadline.objects.count() == 1
    assert again.pk == first.pk and again.updated_at == first.updated_at


def test_due_date_is_recomputed_when_the_case_changes(world):
    student = StudentFactory(current_school=world.school_a)
    sync_deadlines(subject=student, specs=[spec(student)])
    sync_deadlines(subject=student, specs=[spec(student, due=dt.date(2026, 7, 15))])
    assert rows(student)[DossierDeadline.ENTRETIEN_SITUATION].due_date == dt.date(2026, 7, 15)


@time_machine.travel(dt.datetime(2026, 7, 9, 10, tzinfo=dt.UTC), tick=False)
def test_done_then_undone(world):
    student = StudentFactory(current_school=world.school_a)
    sync_deadlines(subject=student, specs=[spec(student, done=True)])
    done = rows(student)[DossierDeadline.ENTRETIEN_SITUATION]
    assert done.completed_at == dt.datetime(2026, 7, 9, 10, tzinfo=dt.UTC)
    assert not Deadline.objects.open().exists()
    sync_deadlines(subject=student, specs=[spec(student, done=False)])
    assert rows(student)[DossierDeadline.ENTRETIEN_SITUATION].completed_at is None
    assert Deadline.objects.overdue(dt.date(2026, 7, 11)).count() == 1


def test_kinds_no_longer_wanted_are_removed(world):
    student = StudentFactory(current_school=world.school_a)
    sync_deadlines(
        subject=student,
        specs=[spec(student), spec(student, kind=DossierDeadline.FAMILY_INFORMED)],
    )
    sync_deadlines(subject=student, specs=[spec(student, kind=DossierDeadline.FAMILY_INFORMED)])
    assert set(rows(student)) == {DossierDeadline.FAMILY_INFORMED}
    clear_deadlines(subject=student)
    assert not Deadline.objects.exists()


def _snapshot():
    return {
        (d.object_id, d.kind): (d.due_date, d.label, d.url, d.school_id, d.completed_at is None)
        for d in Deadline.objects.all()
    }


def test_bulk_sync_writes_what_one_sync_per_case_writes(world):
    """The import entry point gives the same rows as `sync_deadlines` case by case."""
    pupils = [StudentFactory(current_school=world.school_a) for _ in range(6)]

    def specs(student):
        wanted = [spec(student, due=dt.date(2026, 7, 1 + student.pk % 5))]
        if student.pk % 2:
            wanted.append(spec(student, kind=DossierDeadline.FAMILY_INFORMED, done=True))
        return wanted

    for student in pupils:
        sync_deadlines(subject=student, specs=specs(student))
    one_by_one = _snapshot()
    Deadline.objects.all().delete()
    result = sync_deadlines_many(subjects=pupils, specs=specs)
    assert _snapshot() == one_by_one
    assert result.created == len(one_by_one) and result.updated == result.deleted == 0


def test_bulk_sync_updates_removes_and_keeps_the_completion_date(world):
    pupils = [StudentFactory(current_school=world.school_a) for _ in range(4)]
    with time_machine.travel(dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC), tick=False):
        sync_deadlines_bulk(
            DossierDeadline.ENTRETIEN_SITUATION, [(p, spec(p, done=True)) for p in pupils]
        )
    first, second, third, fourth = pupils
    with time_machine.travel(dt.datetime(2026, 7, 5, 8, tzinfo=dt.UTC), tick=False):
        result = sync_deadlines_bulk(
            DossierDeadline.ENTRETIEN_SITUATION,
            [
                (first, spec(first, done=True)),  # unchanged: not written
                (second, spec(second, done=True, due=dt.date(2026, 7, 20))),
                (third, spec(third, done=False)),  # reopened
                (fourth, None),  # no longer applies
            ],
        )
    assert (result.created, result.updated, result.deleted) == (0, 2, 1)
    by_student = {d.object_id: d for d in Deadline.objects.all()}
    assert fourth.pk not in by_student
    assert by_student[first.pk].completed_at == dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC)
    assert by_student[second.pk].completed_at == dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC)
    assert by_student[second.pk].due_date == dt.date(2026, 7, 20)
    assert by_student[third.pk].completed_at is None


def test_bulk_sync_costs_the_same_for_ten_or_sixty_cases(world):
    few = [StudentFactory(current_school=world.school_a) for _ in range(10)]
    many = [StudentFactory(current_school=world.school_a) for _ in range(60)]
    sync_deadlines_bulk(DossierDeadline.ENTRETIEN_SITUATION, [])
    counts = []
    for pupils in (few, many):
        with CaptureQueriesContext(connection) as queries:
            sync_deadlines_bulk(DossierDeadline.ENTRETIEN_SITUATION, [(p, spec(p)) for p in pupils])
        counts.append(len(queries))
        # Then every row changes: one SELECT and one UPDATE, whatever the number of cases.
        with CaptureQueriesContext(connection) as queries:
            sync_deadlines_bulk(
                DossierDeadline.ENTRETIEN_SITUATION,
                [(p, spec(p, due=dt.date(2026, 8, 1))) for p in pupils],
            )
        counts.append(len(queries))
    assert counts[0] == counts[2] <= 5 and counts[1] == counts[3] <= 5


def test_unregistered_kinds_and_cases_are_refused(world):
    student = StudentFactory(current_school=world.school_a)
    with pytest.raises(LookupError):
        sync_deadlines(subject=student, specs=[spec(student, kind="inconnue")])
    with pytest.raises(LookupError):
        sync_deadlines_bulk("inconnue", [(student, spec(student))])
    with pytest.raises(LookupError):
        sync_deadlines(subject=world.school_a, specs=[])
