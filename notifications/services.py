"""The entry points other apps call when cases change: `sync_deadlines` for one case,
`sync_deadlines_bulk` / `sync_deadlines_many` for the cases of an import."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import RoleAssignment
from accounts.roles import DEPARTEMENT_SCOPE_ROLES, SCHOOL_ROLES
from config import bulk

from . import calendar, conf, registry
from .enums import ESCALATION_STAGES, AlertKind, ReminderStage, SendState
from .models import CaseActivity, Deadline, Digest, Reminder, Suspension

if TYPE_CHECKING:
    from accounts.models import ExceptionalAccess, User

logger = logging.getLogger(__name__)


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


def sync_deadlines(*, subject: Model, specs: list[DeadlineSpec]) -> None:
    """Make the stored deadlines of `subject` equal `specs`.

    Kinds absent from `specs` are removed (the obligation no longer applies); a spec with
    `done=True` keeps its row, marked completed, so history and indicators stay true.
    Idempotent: calling it twice with the same specs changes nothing.
    """
    _check_registered(subject, specs)
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


def _check_registered(subject: Model, specs: Iterable[DeadlineSpec]) -> None:
    if registry.case_type(subject) is None:
        raise LookupError(f"{type(subject).__name__} is not a registered case type (register_case)")
    for spec in specs:
        registry.kind(spec.kind)


_SPEC_FIELDS = ("due_date", "label", "url", "student_id", "school_id", "departement_id")


_VALUE_FIELDS = (*_SPEC_FIELDS, "assignee_id")


def _value_tuple(spec: DeadlineSpec) -> tuple[Any, ...]:
    """A spec's column values, in `_VALUE_FIELDS` order (label and link cut to their columns)."""
    return (
        spec.due_date,
        spec.label[:250],
        spec.url[:300],
        spec.student_id,
        spec.school_id,
        spec.departement_id,
        spec.assignee_id,
    )


def _values(spec: DeadlineSpec) -> dict[str, Any]:
    return dict(zip(_VALUE_FIELDS, _value_tuple(spec), strict=True))


@dataclass
class BulkSyncResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def __iadd__(self, other: BulkSyncResult) -> BulkSyncResult:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        return self


BULK_CHUNK = 5000


def sync_deadlines_bulk(
    kind: str, cases: Iterable[tuple[Any, DeadlineSpec | None]]
) -> BulkSyncResult:
    """The deadline of `kind` of many cases (of one model) made equal to their spec, for imports.

    `cases` yields (subject, spec or None): None removes the case's deadline of that kind, a
    spec creates or updates it (`done` marks it completed, keeping an earlier completion
    date), like `sync_deadlines` does kind by kind. A fixed number of statements per chunk of
    5,000 cases (one SELECT, then at most one INSERT, UPDATE and DELETE), whatever the number
    of cases; rows already equal to their spec are not written.
    """
    registry.kind(kind)
    cases = list(cases)
    if not cases:
        return BulkSyncResult()
    model = type(cases[0][0])
    if registry.case_type(model) is None:
        raise LookupError(f"{model.__name__} is not a registered case type (register_case)")
    ct = ContentType.objects.get_for_model(model)
    now = timezone.now()
    result = BulkSyncResult()
    fields = list(_VALUE_FIELDS)
    with transaction.atomic():
        for start in range(0, len(cases), BULK_CHUNK):
            chunk = {subject.pk: spec for subject, spec in cases[start : start + BULK_CHUNK]}
            existing = {
                d.object_id: d
                for d in Deadline.objects.filter(
                    content_type=ct, kind=kind, object_id__in=list(chunk)
                ).only("id", "object_id", "completed_at", *fields)
            }
            to_create, to_update, to_delete = [], [], []
            for object_id, spec in chunk.items():
                row = existing.get(object_id)
                if spec is None:
                    if row is not None:
                        to_delete.append(row.pk)
                    continue
                values = _values(spec)
                if row is None:
                    to_create.append(
                        Deadline(
                            kind=kind,
                            content_type=ct,
                            object_id=object_id,
                            completed_at=now if spec.done else None,
                            **values,
                        )
                    )
                    continue
                changed = False
                for field, value in values.items():
                    if getattr(row, field) != value:
                        setattr(row, field, value)
                        changed = True
                if spec.done and row.completed_at is None:
                    row.completed_at, changed = now, True
                elif not spec.done and row.completed_at is not None:
                    row.completed_at, changed = None, True
                if changed:
                    row.updated_at = now
                    to_update.append(row)
            if to_create:
                # A concurrent sync of the same case wins; this one does not fail the import.
                Deadline.objects.bulk_create(to_create, ignore_conflicts=True)
            if to_update:
                Deadline.objects.bulk_update(
                    to_update,
                    [f.removesuffix("_id") for f in fields] + ["completed_at", "updated_at"],
                    batch_size=1000,
                )
            if to_delete:
                Deadline.objects.filter(pk__in=to_delete).delete()
            result += BulkSyncResult(len(to_create), len(to_update), len(to_delete))
    return result


def sync_deadlines_many(
    *,
    subjects: Iterable[Model],
    specs: Callable[[Any], list[DeadlineSpec]] | None = None,
    created: bool = False,
) -> BulkSyncResult:
    """`sync_deadlines` for many cases of one model at once (an import): each case's deadlines
    made equal to `specs(subject)` (default: `subject.deadline_specs()`), kinds it no longer
    has removed. One `sync_deadlines_bulk` per kind involved.

    `created` says the cases were created in the current transaction, so that none has a
    deadline yet: they are all written at once without reading anything (by COPY on
    PostgreSQL, `config.bulk`).
    """
    subjects = list(subjects)
    if not subjects:
        return BulkSyncResult()
    specs = specs or (lambda subject: subject.deadline_specs())
    if created:
        return _create_deadlines(subjects, specs)
    wanted = {subject.pk: {s.kind: s for s in specs(subject)} for subject in subjects}
    ct = ContentType.objects.get_for_model(type(subjects[0]))
    kinds = {kind for by_kind in wanted.values() for kind in by_kind}
    for start in range(0, len(subjects), BULK_CHUNK):
        ids = [s.pk for s in subjects[start : start + BULK_CHUNK]]
        kinds.update(
            Deadline.objects.filter(content_type=ct, object_id__in=ids)
            .values_list("kind", flat=True)
            .distinct()
            .order_by()
        )
    result = BulkSyncResult()
    with transaction.atomic():
        for kind in sorted(kinds):
            result += sync_deadlines_bulk(
                kind, [(subject, wanted[subject.pk].get(kind)) for subject in subjects]
            )
    return result


def _create_deadlines(
    subjects: list[Model], specs: Callable[[Any], list[DeadlineSpec]]
) -> BulkSyncResult:
    model = type(subjects[0])
    if registry.case_type(model) is None:
        raise LookupError(f"{model.__name__} is not a registered case type (register_case)")
    ct_id = ContentType.objects.get_for_model(model).pk
    now = timezone.now()
    fields = ("kind", "content_type_id", "object_id", *_VALUE_FIELDS)
    rows = []
    for subject in subjects:
        for spec in specs(subject):
            registry.kind(spec.kind)
            rows.append(
                (
                    spec.kind,
                    ct_id,
                    subject.pk,
                    *_value_tuple(spec),
                    now if spec.done else None,
                    now,
                )
            )
    columns = (*fields, "completed_at", "updated_at")
    if bulk.supported():
        bulk.copy_rows(Deadline, columns, rows)
    else:
        by_kind: dict[str, list[Deadline]] = defaultdict(list)
        for row in rows:
            by_kind[row[0]].append(Deadline(**dict(zip(columns, row, strict=True))))
        for kind in sorted(by_kind):  # one INSERT per kind, as sync_deadlines_bulk
            Deadline.objects.bulk_create(by_kind[kind], batch_size=1000)
    return BulkSyncResult(len(rows), 0, 0)


def clear_deadlines(*, subject: Model) -> None:
    ct = ContentType.objects.get_for_model(subject)
    Deadline.objects.filter(content_type=ct, object_id=subject.pk).delete()


# --- Human actions and suspensions ------------------------------------------------------------


def record_human_action(
    *, subject: Model, by: User | None = None, at: dt.datetime | None = None
) -> None:
    """Note that a person acted on `subject` (interview held, call made, document filed).

    Reminders of kinds with `count_from_human_action` count their overdue delays from it.
    Keeps the latest date when called out of order.
    """
    ct = ContentType.objects.get_for_model(subject)
    at = at or timezone.now()
    activity, created = CaseActivity.objects.get_or_create(
        content_type=ct,
        object_id=subject.pk,
        defaults={"last_human_action_at": at, "last_human_action_by": by},
    )
    if not created:
        CaseActivity.objects.filter(pk=activity.pk, last_human_action_at__lt=at).update(
            last_human_action_at=at, last_human_action_by=by
        )


def suspend_reminders(*, subject: Model, by: User, reason: str) -> Suspension:
    """Pause every reminder of one case until someone resumes them; a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Indiquez le motif de la suspension des rappels.")
    ct = ContentType.objects.get_for_model(subject)
    try:
        with transaction.atomic():
            return Suspension.objects.create(
                content_type=ct, object_id=subject.pk, reason=reason[:500], suspended_by=by
            )
    except IntegrityError:
        raise ValidationError("Les rappels de ce dossier sont déjà suspendus.") from None


def resume_reminders(*, subject: Model, by: User, reason: str = "") -> Suspension:
    ct = ContentType.objects.get_for_model(subject)
    with transaction.atomic():
        suspension: Suspension | None = (
            Suspension.objects.active()
            .select_for_update()
            .filter(content_type=ct, object_id=subject.pk)
            .first()
        )
        if suspension is None:
            raise ValidationError("Les rappels de ce dossier ne sont pas suspendus.")
        suspension.resumed_at = timezone.now()
        suspension.resumed_by = by
        suspension.resume_reason = (reason or "").strip()[:500]
        suspension.save(update_fields=["resumed_at", "resumed_by", "resume_reason"])
    return suspension


# --- The daily sweep --------------------------------------------------------------------------


@dataclass
class SweepResult:
    day: dt.date
    age_deadlines_created: int = 0
    age_deadlines_completed: int = 0
    due_deadlines: int = 0
    reminders_created: int = 0


def stages_due(
    *, kind: str, due_date: dt.date, today: dt.date, last_action: dt.date | None
) -> list[tuple[str, dt.date]]:
    """Which reminders of one open deadline are due today, as (stage, date counted from).

    Before the due date: the early notice. From the due date: "échéance du jour", then
    "dépassée" and the escalation levels, counted from the due date or, for kinds that say so,
    from the latest human action when it came later. Only the latest school-level stage is
    returned, so a sweep catching up after days of downtime does not send stale notices.
    """
    policy = conf.policy_for(kind)
    if today < due_date:
        if policy.before_days is not None and today >= due_date - dt.timedelta(
            days=policy.before_days
        ):
            return [(ReminderStage.BEFORE, due_date)]
        return []
    ref = due_date
    if policy.count_from_human_action and last_action and last_action > due_date:
        ref = last_action
    stages: list[tuple[str, dt.date]] = []
    if policy.overdue_after_days is not None and today >= ref + dt.timedelta(
        days=policy.overdue_after_days
    ):
        stages.append((ReminderStage.OVERDUE, ref))
    elif ref == due_date:
        stages.append((ReminderStage.DUE, due_date))
    for stage, days in zip(ESCALATION_STAGES, policy.escalation_days, strict=False):
        if today >= ref + dt.timedelta(days=days):
            stages.append((stage, ref))
    return stages


class _Directory:
    """Who holds which role where, loaded in one query for the schools of the due deadlines."""

    def __init__(
        self, *, school_ids: set[int], bassin_ids: set[int], departement_ids: set[int]
    ) -> None:
        self.by_school: defaultdict[int, defaultdict[str, list[int]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.by_bassin: defaultdict[int, list[int]] = defaultdict(list)
        self.by_departement: defaultdict[int, defaultdict[str, list[int]]] = defaultdict(
            lambda: defaultdict(list)
        )
        rows = RoleAssignment.objects.filter(
            Q(etablissement_id__in=school_ids, role__in=SCHOOL_ROLES)
            | Q(bassin_id__in=bassin_ids, role=Role.DIRECTEUR_CIO)
            | Q(departement_id__in=departement_ids, role__in=DEPARTEMENT_SCOPE_ROLES),
            user__is_active=True,
        ).values_list("user_id", "role", "etablissement_id", "bassin_id", "departement_id")
        for user_id, role, school_id, bassin_id, dep_id in rows:
            if school_id:
                self.by_school[school_id][role].append(user_id)
            elif bassin_id:
                self.by_bassin[bassin_id].append(user_id)
            else:
                self.by_departement[dep_id][role].append(user_id)

    def school_staff(self, school_id: int, roles: Iterable[str]) -> list[int]:
        staff: dict[str, list[int]] = self.by_school.get(school_id, {})
        found = [u for r in roles for u in staff.get(r, [])]
        return found or [u for users in staff.values() for u in users]

    def departement_staff(self, dep_id: int, roles: Iterable[str]) -> list[int]:
        staff: dict[str, list[int]] = self.by_departement.get(dep_id, {})
        return [u for r in roles for u in staff.get(r, [])]

    def recipients(
        self, *, stage: str, policy: registry.KindPolicy, row: dict[str, Any]
    ) -> list[int]:
        school_id, dep_id = row["school_id"], row["dep_id"]
        if stage == ReminderStage.ESCALATION_1:
            if school_id:
                return self.by_bassin.get(row["bassin_id"], []) or self.departement_staff(
                    dep_id, [Role.IEN_IO]
                )
            return self.departement_staff(dep_id, [Role.IEN_IO])
        if stage == ReminderStage.ESCALATION_2:
            if school_id:
                return self.departement_staff(dep_id, [Role.IEN_IO])
            return self.departement_staff(dep_id, [Role.IA_DASEN])
        if row["assignee_id"]:
            return [row["assignee_id"]]
        if school_id:
            return self.school_staff(school_id, policy.school_roles)
        return self.departement_staff(dep_id, policy.departement_roles)


def due_deadlines(*, today: dt.date) -> Iterable[dict[str, Any]]:
    """Open, unsuspended deadlines that may owe a reminder today, as dicts.

    Uses the partial index on open deadlines' due date: rows due later than the longest early
    notice are never read, so the cost follows the due items, not the number of cases.
    """
    horizon = today + dt.timedelta(days=max_before_days())
    case = {"content_type": OuterRef("content_type"), "object_id": OuterRef("object_id")}
    rows: Iterable[dict[str, Any]] = (
        Deadline.objects.due_by(horizon)
        .filter(~Exists(Suspension.objects.active().filter(**case)))
        .annotate(
            last_action=Subquery(
                CaseActivity.objects.filter(**case).values("last_human_action_at")[:1]
            ),
            bassin_id=F("school__bassin_id"),
            dep_id=Coalesce("departement_id", "school__departement_id"),
            academie_id=Coalesce("departement__academie_id", "school__departement__academie_id"),
        )
        .values(
            "id",
            "kind",
            "due_date",
            "school_id",
            "bassin_id",
            "dep_id",
            "academie_id",
            "assignee_id",
            "last_action",
        )
        .order_by()
    )
    return rows


def planner_without_jit() -> None:
    """PostgreSQL's JIT compiles the due query once the planner over-estimates open rows on a
    large table (hundreds of ms for a 10 ms query). Call inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def max_before_days() -> int:
    return max(
        [conf.policy_for(k.value).before_days or 0 for k in registry.kinds()] + [0],
    )


def create_due_reminders(*, today: dt.date) -> tuple[int, int]:
    """One Reminder per (deadline, stage, date, recipient) due today. Returns (due, created).

    Safe to run twice or concurrently: existing keys are skipped, and the unique constraint
    settles races (ON CONFLICT DO NOTHING).
    """
    with transaction.atomic():
        planner_without_jit()
        rows = list(due_deadlines(today=today))
    if not rows:
        return 0, 0
    directory = _Directory(
        school_ids={r["school_id"] for r in rows if r["school_id"]},
        bassin_ids={r["bassin_id"] for r in rows if r["bassin_id"]},
        departement_ids={r["dep_id"] for r in rows if r["dep_id"]},
    )
    tz = timezone.get_current_timezone()
    wanted = {}
    for row in rows:
        policy = conf.policy_for(row["kind"])
        last = row["last_action"]
        last_day = last.astimezone(tz).date() if last else None
        for stage, ref in stages_due(
            kind=row["kind"], due_date=row["due_date"], today=today, last_action=last_day
        ):
            for user_id in directory.recipients(stage=stage, policy=policy, row=row):
                wanted[(row["id"], stage, ref, user_id)] = (row["academie_id"], policy.urgent)
    ids = sorted({key[0] for key in wanted})
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for key in Reminder.objects.filter(deadline_id__in=chunk).values_list(
            "deadline_id", "stage", "due_date", "recipient_id"
        ):
            wanted.pop(key, None)
    Reminder.objects.bulk_create(
        [
            Reminder(
                deadline_id=deadline_id,
                stage=stage,
                due_date=ref,
                recipient_id=user_id,
                academie_id=academie_id,
                is_urgent=urgent,
            )
            for (deadline_id, stage, ref, user_id), (academie_id, urgent) in wanted.items()
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return len(rows), len(wanted)


def run_daily_sweep(*, today: dt.date | None = None) -> SweepResult:
    """Everything the morning needs, recomputed from PostgreSQL: age events, then reminders.

    Idempotent; a sweep that was missed (broker down, worker dead) is caught up by the next.
    """
    today = today or timezone.localdate()
    result = SweepResult(day=today)
    # Deadlines no user action creates (birthdays), from the apps that own them.
    for sync in registry.daily_functions():
        created, completed = sync(today=today)
        result.age_deadlines_created += created
        result.age_deadlines_completed += completed
    result.due_deadlines, result.reminders_created = create_due_reminders(today=today)
    logger.info(
        "Balayage du %s : %s échéance(s) dues, %s rappel(s) créé(s), %s échéance(s) d'âge.",
        today,
        result.due_deadlines,
        result.reminders_created,
        result.age_deadlines_created,
    )
    return result


# --- What to do next first ----------------------------------------------------------------
# The inbox and the e-mail digest both read: overdue, then due soon, then information
# (birthdays, alerts), then done.
OVERDUE, DUE_SOON, INFORMATION, DONE = range(4)
INBOX_GROUPS = {
    OVERDUE: "En retard",
    DUE_SOON: "À faire prochainement",
    INFORMATION: "Pour information : anniversaires et alertes",
    DONE: "Échéances réalisées",
}


def urgency_group(deadline: Deadline, today: dt.date) -> int:
    """Where a deadline's reminder goes on `today` (the inbox does the same in SQL)."""
    if deadline.completed_at is not None:
        return DONE
    if deadline.kind in registry.information_kinds():
        return INFORMATION
    return OVERDUE if deadline.due_date < today else DUE_SOON


# --- E-mail digests ---------------------------------------------------------------------------

RETRYABLE_MAIL_ERRORS = (smtplib.SMTPException, OSError)
SUPERSEDED_BY = {
    ReminderStage.BEFORE: [ReminderStage.DUE, ReminderStage.OVERDUE],
    ReminderStage.DUE: [ReminderStage.OVERDUE],
}


def _stale_reminders() -> Q:
    """Pending e-mails that no longer apply: deadline done, or the case's reminders suspended."""
    case = {
        "content_type": OuterRef("deadline__content_type"),
        "object_id": OuterRef("deadline__object_id"),
    }
    return Q(deadline__completed_at__isnull=False) | Q(
        Exists(Suspension.objects.active().filter(**case))
    )


def prepare_digests(*, today: dt.date, now: dt.datetime | None = None) -> list[int]:
    """Attach each person's sendable reminders to their digest of `today`; return the digests
    to deliver now.

    Sendable: pending, the case neither done nor suspended, and today a working day in the
    case's académie unless the kind is urgent. Reminders left in an undelivered digest of an
    earlier day move to today's, so a person never gets two digests on one day.
    """
    now = now or timezone.now()
    with transaction.atomic():
        old = list(
            Digest.objects.select_for_update()
            .filter(day__lt=today, state__in=[SendState.PENDING, SendState.FAILED])
            .order_by("id")
        )
        if old:
            Reminder.objects.filter(
                digest__in=old, state__in=[SendState.PENDING, SendState.FAILED]
            ).update(digest=None, state=SendState.PENDING)
            for digest in old:
                digest.cancel()
    waiting = Reminder.objects.filter(state=SendState.PENDING, digest__isnull=True)
    waiting.filter(_stale_reminders() | Q(recipient__email="")).update(state=SendState.CANCELLED)
    # A notice held back (holidays) and overtaken by a later stage is not worth a line.
    for stage, later in SUPERSEDED_BY.items():
        newer = waiting.filter(
            deadline_id=OuterRef("deadline_id"),
            recipient_id=OuterRef("recipient_id"),
            stage__in=later,
        )
        waiting.filter(stage=stage).filter(Exists(newer)).update(state=SendState.CANCELLED)

    sendable = Reminder.objects.filter(state=SendState.PENDING, digest__isnull=True)
    if not calendar.is_working_day(today):
        sendable = sendable.filter(is_urgent=True)
    else:
        closed = calendar.closed_academies(today)
        if closed:
            sendable = sendable.filter(Q(is_urgent=True) | ~Q(academie_id__in=closed))
    recipients = sorted(set(sendable.values_list("recipient_id", flat=True)))
    if recipients:
        with transaction.atomic():
            Digest.objects.bulk_create(
                [Digest(recipient_id=r, day=today) for r in recipients], ignore_conflicts=True
            )
            # Lock the day's digests (in id order: no deadlock between two sweeps) so none is
            # being delivered while reminders join it.
            open_digests = {
                d.recipient_id: d.pk
                for d in Digest.objects.select_for_update()
                .filter(
                    day=today,
                    recipient_id__in=recipients,
                    state__in=[SendState.PENDING, SendState.FAILED],
                )
                .order_by("id")
            }
            sendable.filter(recipient_id__in=list(open_digests)).update(
                digest_id=Subquery(
                    Digest.objects.filter(
                        day=today,
                        recipient_id=OuterRef("recipient_id"),
                        state__in=[SendState.PENDING, SendState.FAILED],
                    ).values("id")[:1]
                )
            )
    return list(
        Digest.objects.filter(day=today)
        .filter(Q(state=SendState.PENDING) | Q(state=SendState.FAILED, next_attempt_at__lte=now))
        .filter(reminders__state__in=[SendState.PENDING, SendState.FAILED])
        .values_list("id", flat=True)
        .distinct()
        .order_by("id")
    )


def _readable_reminder_ids(user: User, reminders: QuerySet[Reminder]) -> set[int]:
    """Reminders whose case one of the recipient's roles may open: a name never goes out by
    e-mail to someone who would get a 404 on the link (one query per role of the recipient)."""
    readable: set[int] = set()
    active = user.__dict__.get("_active_role")
    try:
        for role in user.roles:
            user.active_role = role
            if role.is_nominative:
                readable.update(
                    reminders.filter(registry.case_q(user, "deadline__")).values_list(
                        "pk", flat=True
                    )
                )
    finally:
        if active is None:
            user.__dict__.pop("_active_role", None)
        else:
            user.active_role = active
    return readable


def build_digest_message(*, digest: Digest, reminders: list[Reminder]) -> EmailMultiAlternatives:
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    items: list[dict[str, Any]] = []
    for reminder in reminders:
        deadline = reminder.deadline
        link = deadline.url if deadline.url.startswith("http") else f"{site}{deadline.url}"
        items.append(
            {
                "reminder": reminder,
                "deadline": deadline,
                "link": link,
                "group": urgency_group(deadline, digest.day),
                "escalation": reminder.get_stage_display()
                if reminder.stage in ESCALATION_STAGES
                else "",
                "today": deadline.due_date == digest.day,
            }
        )
    # Same order as the inbox; the label already names the obligation and the pupil.
    items.sort(key=lambda i: (i["group"], i["deadline"].due_date, i["deadline"].label))
    groups = [
        {"title": title, "items": [i for i in items if i["group"] == key]}
        for key, title in INBOX_GROUPS.items()
    ]
    context = {
        "digest": digest,
        "recipient": digest.recipient,
        "items": items,
        "groups": [g for g in groups if g["items"]],
        "inbox_url": f"{site}{reverse('notifications:inbox')}",
        "site_url": site,
    }
    count = len(items)
    subject = f"Sécuparcours — {count} rappel{'s' if count > 1 else ''} au {digest.day:%d/%m/%Y}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.recipient.email],
        headers={"Message-ID": digest.message_id},
        connection=get_connection(conf.email_backend()),
    )
    message.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    return message


def deliver_digest(*, digest_id: int, now: dt.datetime | None = None) -> str:
    """Send one digest at most once. Returns what happened (sent, failed, skipped…).

    The row stays locked from the check to the recorded result, so two workers never send it
    twice; a worker killed before the commit leaves it pending for the next run. The only
    window left (the server accepted the mail, the process died before COMMIT) resends the
    same Message-ID, which mail clients recognise.
    """
    now = now or timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(skip_locked=skip_locked)
            .select_related("recipient")
            .filter(pk=digest_id)
            .first()
        )
        if digest is None:
            return "busy"
        if digest.state not in (SendState.PENDING, SendState.FAILED):
            return "already"
        if digest.state == SendState.FAILED and (
            digest.next_attempt_at is None or digest.next_attempt_at > now
        ):
            return "later"
        attached = digest.reminders.filter(state__in=[SendState.PENDING, SendState.FAILED])
        attached.filter(_stale_reminders()).update(state=SendState.CANCELLED)
        unreadable = attached.exclude(state=SendState.CANCELLED).exclude(
            pk__in=_readable_reminder_ids(digest.recipient, attached)
        )
        unreadable.update(state=SendState.CANCELLED)
        reminders = list(attached.exclude(state=SendState.CANCELLED).select_related("deadline"))
        if not reminders:
            digest.cancel()
            return "empty"
        message = build_digest_message(digest=digest, reminders=reminders)
        pause = conf.mail_pause_seconds()
        if pause:
            time.sleep(pause)
        digest.attempts += 1
        ids = [r.pk for r in reminders]
        try:
            message.send()
        except RETRYABLE_MAIL_ERRORS as exc:
            retry = (
                conf.backoff_seconds(digest.attempts)
                if digest.attempts < conf.max_attempts()
                else None
            )
            digest.mark_failed(
                now=now, error=f"{type(exc).__name__}: {exc}", retry_in_seconds=retry
            )
            Reminder.objects.filter(pk__in=ids).update(state=SendState.FAILED)
            logger.warning("Échec d'envoi de la synthèse %s : %s", digest.pk, exc)
            return "failed"
        digest.mark_sent(now=now)
        digest.save(update_fields=["attempts"])
        Reminder.objects.filter(pk__in=ids).update(state=SendState.SENT)
    return "sent"


def send_digests(*, today: dt.date | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Prepare and deliver today's digests in this process (command, eager mode)."""
    today = today or timezone.localdate()
    outcomes: defaultdict[str, int] = defaultdict(int)
    for digest_id in prepare_digests(today=today, now=now):
        outcomes[deliver_digest(digest_id=digest_id, now=now)] += 1
    return dict(outcomes)


def retry_failed_now(*, by: User | None = None, academie_id: int | None = None) -> list[int]:
    """An administrator's "retry failed sends": due at once, whatever the backoff."""
    now = timezone.now()
    qs = Digest.objects.filter(state=SendState.FAILED)
    if academie_id is not None:
        qs = qs.filter(reminders__academie_id=academie_id).distinct()
    ids = list(qs.values_list("id", flat=True))
    Digest.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids


def digests_to_retry(*, now: dt.datetime | None = None) -> list[int]:
    """Today's digests still owed: failed ones whose backoff has elapsed, and pending ones
    whose delivery task was lost (worker killed, broker down). Delivery skips any digest
    another worker holds, so overlapping runs send nothing twice."""
    now = now or timezone.now()
    return list(
        Digest.objects.filter(day=timezone.localdate(now))
        .filter(Q(state=SendState.PENDING) | Q(state=SendState.FAILED, next_attempt_at__lte=now))
        .filter(reminders__state__in=[SendState.PENDING, SendState.FAILED])
        .values_list("id", flat=True)
        .distinct()
        .order_by("id")
    )


# --- Immediate alerts --------------------------------------------------------------------------


def alert_now(
    *, subject: Model, label: str, url: str, recipient_ids: list[int], academie_id: int | None
) -> list[Reminder]:
    """An alert that cannot wait for the morning: in each recipient's inbox now, e-mailed
    right after the transaction commits (not in a digest, so never twice).

    The deadline row is created done, scoped to no school: no sweep, escalation or deadline
    list picks it up; only its recipients see it, in their inbox.
    """
    kind = AlertKind.EXCEPTIONAL_ACCESS
    now = timezone.now()
    deadline = Deadline.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        label=label[:250],
        url=url[:300],
        due_date=timezone.localdate(),
        completed_at=now,
    )
    reminders = Reminder.objects.bulk_create(
        [
            Reminder(
                deadline=deadline,
                stage=ReminderStage.DUE,
                due_date=deadline.due_date,
                recipient_id=user_id,
                academie_id=academie_id,
                is_urgent=True,
                state=SendState.CANCELLED,  # e-mailed below, outside the digests
            )
            for user_id in recipient_ids
        ]
    )
    emails = list(
        get_user_model()
        .objects.filter(pk__in=recipient_ids, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if emails:
        transaction.on_commit(lambda: _send_alert(label=deadline.label, url=url, emails=emails))
    return reminders


def _send_alert(*, label: str, url: str, emails: list[str]) -> None:
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    body = render_to_string(
        "notifications/email/alert.txt", {"label": label, "link": f"{site}{url}"}
    )
    try:
        connection = get_connection()
        connection.send_messages(
            [
                EmailMultiAlternatives(
                    subject=f"[Sécuparcours] {label[:120]}",
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[email],
                    connection=connection,
                )
                for email in emails
            ]
        )
    except RETRYABLE_MAIL_ERRORS:
        # The inbox item stays; the failure is for the operations team, not the requester.
        logger.exception("Alerte non envoyée par courriel (%d destinataire(s))", len(emails))


def alert_exceptional_access(*, grant: ExceptionalAccess) -> None:
    """The académie's administrators learn at once of an exceptional access opened in it."""
    academie_id = grant.etablissement.departement.academie_id
    recipients = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__role=Role.ADMINISTRATEUR,
            role_assignments__academie_id=academie_id,
        )
        .distinct()
        .values_list("id", flat=True)
    )
    expires = timezone.localtime(grant.expires_at)
    alert_now(
        subject=grant,
        label=f"Accès exceptionnel ouvert par {grant.user} ({grant.role_label}) sur "
        f"{grant.etablissement} jusqu'au {expires:%d/%m/%Y à %H:%M} — motif : "
        f"{grant.get_category_display()}",
        url=reverse("accounts:exceptional_access_review"),
        recipient_ids=recipients,
        academie_id=academie_id,
    )
