"""Warn, then anonymise records inactive for the retention period (see audit/rules.py)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateField, Exists, Max, OuterRef
from django.db.models.functions import Cast, Coalesce, Greatest

from notifications.models import Deadline
from students.models import Enrolment, LegalRepresentative, Student

from . import rules
from .models import RetentionNotice


@dataclass
class RetentionReport:
    warned: int = 0
    anonymised: int = 0
    withdrawn: int = 0


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def inactive_students(today: dt.date):
    """Students out of school, with no open enrolment and no deadline in the retention window.

    Annotated with `last_activity_on`; the filter runs in SQL over indexed dates.
    """
    limit = _years_before(today, rules.RETENTION_YEARS())
    open_enrolment = Enrolment.objects.filter(student=OuterRef("pk"), exit_date__isnull=True)
    recent_deadline = Deadline.objects.filter(student=OuterRef("pk"), due_date__gte=limit)
    return (
        Student.objects.filter(current_school__isnull=True, anonymized_at__isnull=True)
        .exclude(Exists(open_enrolment))
        .exclude(Exists(recent_deadline))
        .annotate(
            last_activity_on=Greatest(
                Cast("updated_at", DateField()),
                Coalesce(Max("enrolments__exit_date"), Cast("updated_at", DateField())),
            )
        )
        .filter(last_activity_on__lt=limit)
    )


def anonymise(student: Student, *, when) -> None:
    """Erase identity and contacts, keep what aggregates need (school, level, voie, year)."""
    student.ine = None
    student.last_name = rules.ANONYMISED_NAME
    student.first_name = ""
    student.birth_date = dt.date(student.birth_date.year, 1, 1)
    student.email = student.phone = student.address = ""
    student.anonymized_at = when
    student.save_without_historical_record()
    LegalRepresentative.objects.filter(student=student).delete()
    # The change history holds the identity too.
    student.history.all().delete()
    LegalRepresentative.history.filter(student_id=student.pk).delete()


def apply_retention(*, today: dt.date, now, dry_run: bool = False) -> RetentionReport:
    report = RetentionReport()
    inactive = {s.pk: s for s in inactive_students(today)}
    with transaction.atomic():
        stale = RetentionNotice.objects.exclude(student_id__in=inactive.keys())
        report.withdrawn = stale.count()
        if not dry_run:
            stale.delete()
        noticed = dict(
            RetentionNotice.objects.filter(student_id__in=inactive.keys()).values_list(
                "student_id", "anonymise_on"
            )
        )
        new_notices = [
            RetentionNotice(
                student_id=pk,
                warned_on=today,
                anonymise_on=today + dt.timedelta(days=rules.RETENTION_WARNING_DAYS()),
                last_activity_on=student.last_activity_on,
            )
            for pk, student in inactive.items()
            if pk not in noticed
        ]
        report.warned = len(new_notices)
        due = [pk for pk, when in noticed.items() if when <= today]
        report.anonymised = len(due)
        if dry_run:
            transaction.set_rollback(True)
            return report
        RetentionNotice.objects.bulk_create(new_notices, batch_size=1000)
        for student in Student.objects.filter(pk__in=due):
            anonymise(student, when=now)
        RetentionNotice.objects.filter(student_id__in=due).delete()
    return report


def warning_for(student) -> RetentionNotice | None:
    return RetentionNotice.objects.filter(student=student).first()
