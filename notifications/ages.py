"""Age events (15, 16, 18, 25) as deadlines of the pupil, added by the morning sweep.

The pupil's app (`students`) owns the ages (`students.rules`, `students.enums.AgeEvent`) but
sits below this one in the app graph: the lowest app that knows deadlines registers them.
"""

import datetime as dt
from dataclasses import replace

from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from students import rules
from students.enums import AgeEvent as K

from .registry import KindPolicy, register_case, register_daily, register_kinds

_AGE = KindPolicy(
    before_days=30,
    overdue_after_days=None,
    escalation_days=(),
    departement_roles=(Role.COORDONNATEUR_MLDS,),
    information=True,
)
POLICIES = {
    K.AGE_15: replace(_AGE, school_roles=(Role.REFERENT_DECROCHAGE,)),
    K.AGE_16: _AGE,
    K.AGE_18: _AGE,
    K.AGE_25: _AGE,
}
LABELS = {
    K.AGE_15: "a 15 ans : un PAFI devient possible",
    K.AGE_16: "a 16 ans : fin de l'instruction obligatoire, obligation de formation",
    K.AGE_18: "a 18 ans : majorité, fin de l'obligation de formation",
    K.AGE_25: "a 25 ans : fin du droit au retour et du suivi MLDS",
}


def age_kinds() -> dict[str, int]:
    """Age events and their age (the MLDS end age is a setting, read at call time)."""
    return {
        K.AGE_15: rules.PAFI_MIN_AGE,
        K.AGE_16: rules.COMPULSORY_INSTRUCTION_END_AGE,
        K.AGE_18: rules.MAJORITY_AGE,
        K.AGE_25: rules.MLDS_END_AGE(),
    }


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 2, 28)


def sync_age_deadlines(*, today: dt.date) -> tuple[int, int]:
    """Age events as deadlines of the Student, for birthdays in the notice window.

    Selects pupils by birth-date range (indexed), so the cost follows the pupils whose
    birthday falls in [today, today + NOTIFICATIONS_AGE_NOTICE_DAYS], not the whole roll.
    Past events are marked completed: they happened. Returns (created, completed).
    """
    from students.models import Student

    from . import conf
    from .models import Deadline
    from .services import DeadlineSpec, sync_deadlines_bulk

    horizon = today + dt.timedelta(days=conf.age_notice_days())
    url = reverse("students:detail", args=["00000000-0000-0000-0000-000000000000"])
    created = 0
    for kind, age in age_kinds().items():
        low = _shift_years(today, -age) - dt.timedelta(days=1)
        high = _shift_years(horizon, -age) + dt.timedelta(days=1)
        pupils = Student.objects.filter(
            birth_date__gte=low, birth_date__lte=high, anonymized_at__isnull=True
        ).values_list(
            "id",
            "public_id",
            "last_name",
            "first_name",
            "birth_date",
            "current_school_id",
            "current_school__departement_id",
        )
        cases = [
            (
                Student(pk=pk),
                DeadlineSpec(
                    kind=kind,
                    due_date=rules.birthday(born, age),
                    label=f"{last.upper()} {first} {LABELS[kind]}",
                    url=url.replace("00000000-0000-0000-0000-000000000000", str(public_id)),
                    student_id=pk,
                    school_id=school_id,
                    departement_id=dep_id,
                ),
            )
            for pk, public_id, last, first, born, school_id, dep_id in pupils
            if today <= rules.birthday(born, age) <= horizon
        ]
        created += sync_deadlines_bulk(kind, cases).created
    completed = (
        Deadline.objects.open()
        .filter(kind__in=list(age_kinds()), due_date__lt=today)
        .update(completed_at=timezone.now())
    )
    return created, completed


def _writable(user):
    from students.models import Student
    from students.perms import can_write_students

    qs = Student.objects.visible_to(user)
    return qs if can_write_students(user) else qs.none()


def register() -> None:
    from students.models import Student

    register_kinds(K, app_label="students", policies=POLICIES)
    register_case(Student, writable=_writable)
    register_daily(sync_age_deadlines)
