import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from dossiers.enums import DossierDeadline
from mlds.enums import MldsDeadline
from notifications import calendar
from notifications.enums import ReminderStage
from notifications.models import Deadline, Reminder, SchoolCalendar
from notifications.services import (
    record_human_action,
    resume_reminders,
    run_daily_sweep,
    suspend_reminders,
)
from prevention.enums import PreventionDeadline
from students.enums import AgeEvent
from students.models import Student

from ..students.factories import StudentFactory
from .factories import DeadlineFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day: dt.date, hour=6, minute=30):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def sweep(day: dt.date):
    with time_machine.travel(at(day), tick=False):
        return run_daily_sweep(today=day)


def received(user):
    return sorted(
        (r.stage, r.deadline.kind, r.due_date)
        for r in Reminder.objects.filter(recipient=user).select_related("deadline")
    )


# --- Age events --------------------------------------------------------------------------------


def test_age_events_are_created_for_birthdays_in_the_window_only(world):
    turning_18 = StudentFactory(current_school=world.school_a, birth_date=dt.date(2008, 3, 10))
    turning_15 = StudentFactory(current_school=world.school_b, birth_date=dt.date(2011, 3, 20))
    leap_day = StudentFactory(current_school=world.school_a, birth_date=dt.date(2008, 2, 29))
    StudentFactory(current_school=world.school_a, birth_date=dt.date(2008, 5, 1))  # too far
    StudentFactory(current_school=world.school_a, birth_date=dt.date(2010, 2, 15))  # past
    result = sweep(dt.date(2026, 2, 25))
    ages = {(d.object_id, d.kind): d for d in Deadline.objects.filter(kind__startswith="age_")}
    assert set(ages) == {
        (turning_18.pk, AgeEvent.AGE_18),
        (turning_15.pk, AgeEvent.AGE_15),
        (leap_day.pk, AgeEvent.AGE_18),
    }
    assert result.age_deadlines_created == 3
    eighteen = ages[(turning_18.pk, AgeEvent.AGE_18)]
    assert eighteen.due_date == dt.date(2026, 3, 10)
    assert eighteen.subject == turning_18
    assert eighteen.student == turning_18 and eighteen.school == world.school_a
    assert eighteen.url == f"/eleves/{turning_18.public_id}/"
    # 29 February falls on 1 March in a common year (students.rules.birthday).
    assert ages[(leap_day.pk, AgeEvent.AGE_18)].due_date == dt.date(2026, 3, 1)


def test_age_sweep_is_idempotent_and_closes_past_events(world):
    pupil = StudentFactory(current_school=world.school_a, birth_date=dt.date(2008, 3, 10))
    sweep(dt.date(2026, 2, 25))
    assert sweep(dt.date(2026, 2, 26)).age_deadlines_created == 0
    assert Deadline.objects.filter(object_id=pupil.pk).count() == 1
    sweep(dt.date(2026, 3, 11))
    assert Deadline.objects.get(object_id=pupil.pk).completed_at is not None


def test_age_event_reaches_the_referent(world):
    StudentFactory(current_school=world.school_a, birth_date=dt.date(2011, 3, 20))
    sweep(dt.date(2026, 2, 25))
    assert received(world.users.referent_a) == [
        (ReminderStage.BEFORE, AgeEvent.AGE_15, dt.date(2026, 3, 20))
    ]
    assert received(world.users.chef_a) == []


# --- Reminder stages and exactly once -----------------------------------------------------------


def test_double_sweep_creates_each_reminder_once(world):
    DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    first = sweep(dt.date(2026, 7, 8))
    second = sweep(dt.date(2026, 7, 8))
    assert first.reminders_created == 1 and second.reminders_created == 0
    assert received(world.users.chef_a) == [
        (ReminderStage.BEFORE, DossierDeadline.ENTRETIEN_SITUATION, dt.date(2026, 7, 10))
    ]
    assert Reminder.objects.count() == 1


def test_nothing_before_the_notice_window(world):
    DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    assert sweep(dt.date(2026, 7, 7)).reminders_created == 0


def test_overdue_entretien_escalates_to_the_cio_director_then_the_ien_io(world):
    DeadlineFactory(subject=StudentFactory(current_school=world.school_a))  # due 10/07
    for day in range(8, 18):
        sweep(dt.date(2026, 7, day))
    due = dt.date(2026, 7, 10)
    kind = DossierDeadline.ENTRETIEN_SITUATION
    assert received(world.users.chef_a) == [
        (ReminderStage.BEFORE, kind, due),
        (ReminderStage.DUE, kind, due),
        (ReminderStage.OVERDUE, kind, due),
    ]
    assert received(world.users.cio1) == [(ReminderStage.ESCALATION_1, kind, due)]
    assert Reminder.objects.get(recipient=world.users.cio1).created_at.date() == dt.date(
        2026, 7, 13
    )
    assert received(world.users.ienio1) == [(ReminderStage.ESCALATION_2, kind, due)]
    # Staff of other schools, bassins and départements hear nothing.
    for user in (world.users.chef_b, world.users.chef_d, world.users.dasen2):
        assert received(user) == []


def test_catching_up_after_missed_days_skips_stale_notices(world):
    DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    sweep(dt.date(2026, 7, 20))
    kind, due = DossierDeadline.ENTRETIEN_SITUATION, dt.date(2026, 7, 10)
    assert received(world.users.chef_a) == [(ReminderStage.OVERDUE, kind, due)]
    assert received(world.users.cio1) == [(ReminderStage.ESCALATION_1, kind, due)]
    assert received(world.users.ienio1) == [(ReminderStage.ESCALATION_2, kind, due)]


def test_completed_deadline_is_not_reminded(world):
    DeadlineFactory(subject=StudentFactory(current_school=world.school_a), done=True)
    assert sweep(dt.date(2026, 7, 12)).reminders_created == 0


def test_assignee_receives_instead_of_the_school(world):
    DeadlineFactory(
        subject=StudentFactory(current_school=world.school_a), assignee=world.users.referent_a
    )
    sweep(dt.date(2026, 7, 10))
    assert [r[0] for r in received(world.users.referent_a)] == [ReminderStage.DUE]
    assert received(world.users.chef_a) == []


def test_departement_case_goes_to_the_departement_role(world):
    student = StudentFactory(current_school=None)
    DeadlineFactory(
        subject=student,
        kind=MldsDeadline.MLDS_CONTACT,
        school=None,
        departement=world.dep1,
    )
    sweep(dt.date(2026, 7, 10))
    assert [r[0] for r in received(world.users.mlds1)] == [ReminderStage.DUE]
    assert received(world.users.mlds2) == []


def test_thresholds_are_configurable_per_kind(world, settings):
    settings.NOTIFICATIONS_KIND_POLICIES = {
        DossierDeadline.ENTRETIEN_SITUATION: {"escalation_days": (1, 2)}
    }
    DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    sweep(dt.date(2026, 7, 11))
    assert [r[0] for r in received(world.users.cio1)] == [ReminderStage.ESCALATION_1]


# --- Suspension and human actions --------------------------------------------------------------


def test_suspended_case_gets_no_reminder_until_resumed(world):
    student = StudentFactory(current_school=world.school_a)
    DeadlineFactory(subject=student)
    suspension = suspend_reminders(
        subject=student, by=world.users.chef_a, reason="Élève hospitalisé jusqu'au 15/07"
    )
    assert suspension.suspended_by == world.users.chef_a and suspension.is_active
    assert sweep(dt.date(2026, 7, 13)).reminders_created == 0
    resume_reminders(subject=student, by=world.users.chef_a, reason="Retour de l'élève")
    sweep(dt.date(2026, 7, 14))
    assert [r[0] for r in received(world.users.cio1)] == [ReminderStage.ESCALATION_1]


def test_suspension_needs_a_reason_and_happens_once(world):
    from django.core.exceptions import ValidationError

    student = StudentFactory(current_school=world.school_a)
    with pytest.raises(ValidationError, match="motif"):
        suspend_reminders(subject=student, by=world.users.chef_a, reason="  ")
    suspend_reminders(subject=student, by=world.users.chef_a, reason="Famille injoignable")
    with pytest.raises(ValidationError, match="déjà suspendus"):
        suspend_reminders(subject=student, by=world.users.chef_a, reason="Encore")
    resume_reminders(subject=student, by=world.users.chef_a)
    with pytest.raises(ValidationError, match="ne sont pas suspendus"):
        resume_reminders(subject=student, by=world.users.chef_a)


def test_overdue_delays_count_from_the_latest_human_action(world):
    student = StudentFactory(current_school=world.school_a)
    DeadlineFactory(subject=student)  # due 10/07, escalation 3 days overdue
    sweep(dt.date(2026, 7, 11))
    record_human_action(subject=student, by=world.users.chef_a, at=at(dt.date(2026, 7, 12), 9))
    sweep(dt.date(2026, 7, 13))
    assert received(world.users.cio1) == []  # would have escalated on 13/07 without the action
    kind = DossierDeadline.ENTRETIEN_SITUATION
    assert (ReminderStage.OVERDUE, kind, dt.date(2026, 7, 12)) in received(world.users.chef_a)
    sweep(dt.date(2026, 7, 15))
    assert received(world.users.cio1) == [(ReminderStage.ESCALATION_1, kind, dt.date(2026, 7, 12))]


def test_kinds_that_do_not_count_from_human_action_ignore_it(world):
    student = StudentFactory(current_school=world.school_a)
    DeadlineFactory(subject=student, kind=PreventionDeadline.GPDS_REVIEW)  # escalation after 7 days
    record_human_action(subject=student, by=world.users.referent_a, at=at(dt.date(2026, 7, 15)))
    sweep(dt.date(2026, 7, 17))
    assert [r[0] for r in received(world.users.cio1)] == [ReminderStage.ESCALATION_1]


def test_record_human_action_keeps_the_latest(world):
    from notifications.models import CaseActivity

    student = StudentFactory(current_school=world.school_a)
    record_human_action(subject=student, at=at(dt.date(2026, 7, 12)))
    record_human_action(subject=student, at=at(dt.date(2026, 7, 11)))
    activity = CaseActivity.objects.get(
        content_type=ContentType.objects.get_for_model(Student), object_id=student.pk
    )
    assert activity.last_human_action_at == at(dt.date(2026, 7, 12))


# --- Calendar ----------------------------------------------------------------------------------


def test_sans_solution_sweep_date_comes_from_the_calendar(world, calendar_2025):
    assert calendar.rentree(world.academie.pk, 2025) == dt.date(2025, 9, 1)
    assert calendar.sans_solution_sweep_date(world.academie.pk, 2025) == dt.date(2025, 8, 25)
    SchoolCalendar.objects.filter(pk=calendar_2025.pk).update(
        sans_solution_sweep_date=dt.date(2025, 8, 28)
    )
    assert calendar.sans_solution_sweep_date(world.academie.pk, 2025) == dt.date(2025, 8, 28)
    # No row for 2030: a week before the default rentrée (Monday 2 September 2030).
    assert calendar.sans_solution_sweep_date(world.academie.pk, 2030) == dt.date(2030, 8, 26)


def test_working_days_follow_the_academie_calendar(world, calendar_2025):
    academie = world.academie.pk
    assert calendar.is_working_day(dt.date(2025, 11, 12), academie)
    assert not calendar.is_working_day(dt.date(2025, 11, 11), academie)  # Armistice
    assert not calendar.is_working_day(dt.date(2025, 11, 15), academie)  # Saturday
    assert not calendar.is_working_day(dt.date(2025, 10, 22), academie)  # Toussaint holidays
    assert calendar.is_working_day(dt.date(2025, 10, 22))  # no académie: holidays unknown
    # Zone C winter holidays (Créteil), not zone A's.
    assert calendar.is_working_day(dt.date(2026, 2, 9), academie)
    assert not calendar.is_working_day(dt.date(2026, 2, 23), academie)
    assert calendar.next_working_day(dt.date(2025, 12, 20), academie) == dt.date(2026, 1, 5)
    assert calendar.add_working_days(dt.date(2026, 4, 3), 1) == dt.date(2026, 4, 7)  # Easter


def test_results_day_per_session(world, calendar_2025):
    assert calendar.results_day(world.academie.pk, 2025) == dt.date(2025, 7, 4)
    assert calendar.is_results_day(dt.date(2025, 7, 4))
    assert not calendar.is_results_day(dt.date(2025, 7, 5))


def test_public_holidays_are_computed_for_any_year():
    holidays = calendar.french_public_holidays(2027)
    assert dt.date(2027, 3, 29) in holidays  # Easter Monday 2027
    assert dt.date(2027, 5, 6) in holidays  # Ascension 2027
