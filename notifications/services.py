"""The one entry point other apps call when a case changes: `sync_deadlines`."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import Deadline


@dataclass(frozen=True)
class DeadlineSpec:
    """One obligation of a case, as computed by the case's own rules."""

    kind: str
    due_date: dt.date
    label: str
    url: str
    done: bool = False
    student_id: int | None = None
    school_id: int | None = None
    departement_id: int | None = None
    assignee_id: int | None = None


def sync_deadlines(*, subject, specs: list[DeadlineSpec]) -> None:
    """Make the stored deadlines of `subject` equal `specs`.

    Kinds absent from `specs` are removed (the obligation no longer applies); a spec with
    `done=True` keeps its row, marked completed, so history and indicators stay true.
    Idempotent: calling it twice with the same specs changes nothing.
    """
    ct = ContentType.objects.get_for_model(subject)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            d.kind: d
            for d in Deadline.objects.select_for_update().filter(
                content_type=ct, object_id=subject.pk
            )
        }
        wanted = {spec.kind: spec for spec in specs}
        stale = [d.pk for kind, d in existing.items() if kind not in wanted]
        if stale:
            Deadline.objects.filter(pk__in=stale).delete()
        for kind, spec in wanted.items():
            values = {
                "due_date": spec.due_date,
                "label": spec.label[:250],
                "url": spec.url[:300],
                "student_id": spec.student_id,
                "school_id": spec.school_id,
                "departement_id": spec.departement_id,
                "assignee_id": spec.assignee_id,
            }
            row = existing.get(kind)
            if row is None:
                Deadline.objects.create(
                    content_type=ct,
                    object_id=subject.pk,
                    kind=kind,
                    completed_at=now if spec.done else None,
                    **values,
                )
                continue
            changed = [f for f, v in values.items() if getattr(row, f) != v]
            for f in changed:
                setattr(row, f, values[f])
            if spec.done and row.completed_at is None:
                row.completed_at = now
                changed.append("completed_at")
            elif not spec.done and row.completed_at is not None:
                row.completed_at = None
                changed.append("completed_at")
            if changed:
                row.save(update_fields=[*changed, "updated_at"])


def clear_deadlines(*, subject) -> None:
    ct = ContentType.objects.get_for_model(subject)
    Deadline.objects.filter(content_type=ct, object_id=subject.pk).delete()
