import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit import rules
from audit.models import RetentionNotice
from audit.retention import apply_retention
from notifications.services import DeadlineSpec, sync_deadlines
from students.enums import AgeEvent
from students.models import Student

from ..students.factories import EnrolmentFactory, LegalRepresentativeFactory, StudentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 10, 1)


def left_school(world, exit_date, **kwargs):
    student = StudentFactory(current_school=world.school_a, **kwargs)
    EnrolmentFactory(student=student, school=world.school_a, school_year=2023, exit_date=exit_date)
    LegalRepresentativeFactory(student=student, last_name="Fontaine")
    Student.objects.filter(pk=student.pk).update(
        current_school=None, updated_at=timezone.make_aware(dt.datetime(2024, 7, 1))
    )
    return student


def test_inactive_record_is_warned_then_anonymised(world):
    student = left_school(world, dt.date(2024, 7, 4), last_name="Lambert")
    report = apply_retention(today=TODAY, now=timezone.now())
    assert report.warned == 1 and report.anonymised == 0
    notice = RetentionNotice.objects.get(student=student)
    assert notice.anonymise_on == TODAY + dt.timedelta(days=rules.RETENTION_WARNING_DAYS())

    apply_retention(today=notice.anonymise_on, now=timezone.now())
    student.refresh_from_db()
    assert student.last_name == rules.ANONYMISED_NAME and student.ine is None
    assert student.birth_date == dt.date(2007, 1, 1)
    assert not student.representatives.exists()
    assert not student.history.filter(last_name="Lambert").exists()
    assert not RetentionNotice.objects.exists()


def test_recent_activity_keeps_the_record(world):
    left_school(world, dt.date(2026, 7, 4))
    assert apply_retention(today=TODAY, now=timezone.now()).warned == 0


def test_a_new_deadline_withdraws_the_warning(world):
    student = left_school(world, dt.date(2024, 7, 4))
    apply_retention(today=TODAY, now=timezone.now())
    sync_deadlines(
        subject=student,
        specs=[
            DeadlineSpec(
                kind=AgeEvent.AGE_25,
                due_date=TODAY,
                label="25 ans",
                url="/",
                student_id=student.pk,
            )
        ],
    )
    report = apply_retention(today=TODAY + dt.timedelta(days=31), now=timezone.now())
    assert report.withdrawn == 1 and report.anonymised == 0
    student.refresh_from_db()
    assert student.last_name != rules.ANONYMISED_NAME


def test_pupils_still_enrolled_are_never_warned(world):
    StudentFactory(current_school=world.school_a)
    assert apply_retention(today=TODAY, now=timezone.now()).warned == 0


def test_dry_run_changes_nothing(world):
    left_school(world, dt.date(2024, 7, 4))
    report = apply_retention(today=TODAY, now=timezone.now(), dry_run=True)
    assert report.warned == 1
    assert not RetentionNotice.objects.exists()


def test_warning_is_shown_on_the_pupil_page_of_the_last_school(world, client_for):
    student = left_school(world, dt.date(2024, 7, 4))
    apply_retention(today=TODAY, now=timezone.now())
    url = reverse("students:detail", args=[student.public_id])
    page = client_for(world.users.chef_a).get(url)
    assert page.status_code == 200
    assert "Anonymisation prévue le" in page.content.decode()
    assert client_for(world.users.chef_b).get(url).status_code == 404
