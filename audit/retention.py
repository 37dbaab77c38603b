"""Warn, then anonymise records inactive for the retention period (see audit/rules.py).

audit sits below the apps that hold personal data: each one says, in its own `retention.py`
(imported at start-up), what it holds about a pupil through `register`:

- the app owning the pupil record (students) gives `inactive` (the pupils with no activity
  since a date, annotated with `last_activity_on`), `anonymise` and `find` (a pupil from the
  identifier an administrator types) and `search` (the pupils a typed name matches);
- any app may give `in_use` (an `Exists` over its rows correlated to the pupil through
  `OuterRef("pk")`, true while it still needs the record) and `anonymise` for its own rows.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, QuerySet

from . import rules
from .models import RetentionNotice


@dataclass(frozen=True)
class PersonalData:
    app: str
    inactive: Callable[[dt.date], QuerySet[Any]] | None = None
    in_use: Callable[[dt.date], Exists] | None = None
    anonymise: Callable[[Iterable[int], dt.datetime], None] | None = None
    find: Callable[[str], tuple[int, str] | None] | None = None
    search: Callable[[str], list[tuple[int, str]]] | None = None


_HOLDERS: dict[str, PersonalData] = {}


def register(holder: PersonalData) -> PersonalData:
    _HOLDERS[holder.app] = holder
    return holder


def _owner() -> PersonalData:
    owners = [h for h in _HOLDERS.values() if h.inactive is not None]
    if len(owners) != 1:
        raise LookupError("Exactly one app must declare the pupil record (retention.register).")
    return owners[0]


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


def inactive_students(today: dt.date) -> QuerySet[Any]:
    """Pupils whose owner app reports no activity in the retention window and that no app
    still uses. Annotated with `last_activity_on`; the filter runs in SQL over indexed dates."""
    limit = _years_before(today, rules.RETENTION_YEARS())
    owner = _owner()
    assert owner.inactive is not None
    qs = owner.inactive(limit)
    for holder in _HOLDERS.values():
        if holder.in_use is not None:
            qs = qs.exclude(holder.in_use(limit))
    return qs


def anonymise(student_ids: Iterable[int], *, when: dt.datetime) -> None:
    """Every app erases what it holds about these pupils (the pupil record last)."""
    ids = list(student_ids)
    owner = _owner()
    for holder in _HOLDERS.values():
        if holder is not owner and holder.anonymise is not None:
            holder.anonymise(ids, when)
    assert owner.anonymise is not None
    owner.anonymise(ids, when)


def find_student(identifier: str) -> tuple[int, str] | None:
    """(pk, public id) of the pupil an administrator searches for, None if unknown."""
    owner = _owner()
    return owner.find(identifier) if owner.find is not None else None


def search_students(text: str) -> list[tuple[int, str]]:
    """(pk, public id) of the pupils whose name matches what an administrator types."""
    owner = _owner()
    return owner.search(text) if owner.search is not None else []


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
        anonymise(due, when=now)
        RetentionNotice.objects.filter(student_id__in=due).delete()
    return report
