import datetime as dt

import factory
from django.contrib.contenttypes.models import ContentType
from factory.django import DjangoModelFactory

from dossiers.enums import DossierDeadline
from notifications.models import Deadline
from students.models import Student

from ..students.factories import StudentFactory


class DeadlineFactory(DjangoModelFactory):
    """A deadline whose case is a pupil (the subject may be any model)."""

    class Meta:
        model = Deadline

    class Params:
        subject = factory.SubFactory(StudentFactory)
        done = factory.Trait(completed_at=factory.LazyFunction(lambda: dt.datetime.now(dt.UTC)))

    kind = DossierDeadline.ENTRETIEN_SITUATION
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Student))
    object_id = factory.LazyAttribute(lambda o: o.subject.pk)
    student = factory.LazyAttribute(lambda o: o.subject if isinstance(o.subject, Student) else None)
    school = factory.LazyAttribute(lambda o: getattr(o.subject, "current_school", None))
    departement = factory.LazyAttribute(lambda o: o.school.departement if o.school else None)
    label = factory.LazyAttribute(lambda o: f"Entretien de situation de {o.subject}")
    url = factory.LazyAttribute(lambda o: f"/eleves/{o.subject.public_id}/")
    due_date = dt.date(2026, 7, 10)


def school_year(year, *, rentree, end_of_classes, academie=None, results=None, **extra):
    """One row of the school calendar (national when `academie` is None), replacing any row
    of the same académie and year, with the results day of each exam of session year + 1."""
    from notifications.models import ExamSession, SchoolCalendar

    SchoolCalendar.objects.filter(academie=academie, school_year=year).delete()
    cal = SchoolCalendar.objects.create(
        academie=academie,
        school_year=year,
        rentree=rentree,
        end_of_classes=end_of_classes,
        **extra,
    )
    for exam, day in (results or {}).items():
        ExamSession.objects.create(calendar=cal, exam=exam, session_year=year + 1, results_day=day)
    return cal


def no_calendar():
    """Start from an empty calendar (the migration seeds the national rows of 2023–2025)."""
    from notifications.models import SchoolCalendar

    SchoolCalendar.objects.all().delete()
