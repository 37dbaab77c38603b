"""What the retention pass (audit.retention) needs from the pupil record."""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db.models import DateField, Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Cast, Coalesce, Greatest

from audit import rules as retention_rules
from audit.retention import PersonalData, register

from .models import Enrolment, LegalRepresentative, Student


def inactive(limit: dt.date) -> QuerySet[Student]:
    """Pupils out of school, not anonymised, with no open enrolment and no change or school
    exit since `limit`; annotated with `last_activity_on`."""
    open_enrolment = Enrolment.objects.filter(student=OuterRef("pk"), exit_date__isnull=True)
    return (
        Student.objects.filter(current_school__isnull=True, anonymized_at__isnull=True)
        .exclude(Exists(open_enrolment))
        .annotate(
            last_activity_on=Greatest(
                Cast("updated_at", DateField()),
                Coalesce(Max("enrolments__exit_date"), Cast("updated_at", DateField())),
            )
        )
        .filter(last_activity_on__lt=limit)
    )


def anonymise(student_ids: Iterable[int], when: dt.datetime) -> None:
    """Erase identity and contacts, keep what aggregates need (school, level, voie, year)."""
    for student in Student.objects.filter(pk__in=list(student_ids)):
        student.ine = None
        student.last_name = retention_rules.ANONYMISED_NAME
        student.first_name = ""
        student.birth_date = dt.date(student.birth_date.year, 1, 1)
        student.email = student.phone = student.address = ""
        student.anonymized_at = when
        student.save_without_historical_record()
        LegalRepresentative.objects.filter(student=student).delete()
        # The change history holds the identity too.
        student.history.all().delete()
        LegalRepresentative.history.filter(student_id=student.pk).delete()


def find(identifier: str) -> tuple[int, str] | None:
    """The pupil an administrator searches for, by public id or INE."""
    try:
        lookup = {"public_id": uuid.UUID(identifier)}
    except ValueError:
        lookup = {"ine": identifier.upper()}
    row = Student.objects.filter(**lookup).values_list("pk", "public_id").first()
    return (row[0], str(row[1])) if row else None


def search(text: str) -> list[tuple[int, str]]:
    """The pupils whose last and first names start with the words typed (at most 20)."""
    rows = Student.objects.search(text).values_list("pk", "public_id")[:20]
    return [(pk, str(public_id)) for pk, public_id in rows]


register(
    PersonalData(app="students", inactive=inactive, anonymise=anonymise, find=find, search=search)
)
