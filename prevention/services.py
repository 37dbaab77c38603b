"""Prevention workflows across models: flags, GPDS decisions, opening and running paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from notifications.services import DeadlineSpec, sync_deadlines

from . import conf, rules
from .enums import BilanKind, DerogatoireStatus, GpdsDecision, PreventionDeadline
from .models import (
    AbsenceRecord,
    Derogatoire,
    DerogatoireObjective,
    Flag,
    GpdsMeeting,
    GpdsReview,
    Pafi,
    PathBilan,
    Tdo,
    TdoFollowUp,
)
from .models.base import PathBase

if TYPE_CHECKING:
    from accounts.models import User
    from students.models import Student
    from territories.models import Etablissement

PathT = TypeVar("PathT", bound=PathBase)


def locked(obj: PathT) -> PathT:
    """Re-read `obj` locked for update (call inside `transaction.atomic`)."""
    row: PathT = (
        type(obj)
        .objects.select_for_update(of=("self",))
        .select_related("student", "school")
        .get(pk=obj.pk)
    )
    return row


# --- Early signals ------------------------------------------------------------------------

FLAG_SQL = """
WITH w AS (
    SELECT a.student_id, a.school_id, a.month, a.half_days_unjustified AS unjust,
           COALESCE(a.incidents, 0) AS incidents,
           1.0 - CAST(a.half_days_missed AS DOUBLE PRECISION)
               / COALESCE(a.expected_half_days, %(expected)s) AS rate,
           LAG(1.0 - CAST(a.half_days_missed AS DOUBLE PRECISION)
               / COALESCE(a.expected_half_days, %(expected)s)) OVER p AS prev_rate,
           MAX(a.month) OVER whole AS last_month,
           MAX(CASE WHEN 1.0 - CAST(a.half_days_missed AS DOUBLE PRECISION)
                    / COALESCE(a.expected_half_days, %(expected)s) >= %(min_rate)s
                    THEN a.month END) OVER whole AS ok_low,
           MAX(CASE WHEN a.half_days_unjustified < %(unjust)s THEN a.month END)
               OVER whole AS ok_unjust,
           MAX(CASE WHEN COALESCE(a.incidents, 0) < %(incidents)s THEN a.month END)
               OVER whole AS ok_inc
    FROM {absence} a {where}
    WINDOW p AS (PARTITION BY a.student_id ORDER BY a.month),
           whole AS (PARTITION BY a.student_id)
),
agg AS (
    SELECT student_id,
           MAX(CASE WHEN month = last_month THEN school_id END) AS school_id,
           MAX(month) AS latest,
           MIN(CASE WHEN ok_low IS NULL OR month > ok_low THEN month END) AS since_low,
           MAX(CASE WHEN month = last_month THEN rate END) AS rate_now,
           MAX(CASE WHEN month = last_month THEN prev_rate - rate END) AS fall,
           MIN(CASE WHEN ok_unjust IS NULL OR month > ok_unjust THEN month END) AS since_unjust,
           MAX(CASE WHEN month = last_month THEN unjust END) AS unjust_now,
           MIN(CASE WHEN ok_inc IS NULL OR month > ok_inc THEN month END) AS since_inc,
           MAX(CASE WHEN month = last_month THEN incidents END) AS incidents_now
    FROM w GROUP BY student_id
),
g AS (
    SELECT a.student_id, a.school_id, a.month, a.term_average AS avg_now,
           LAG(a.term_average) OVER (PARTITION BY a.student_id ORDER BY a.month) AS avg_prev,
           MAX(a.month) OVER (PARTITION BY a.student_id) AS last_month
    FROM {absence} a WHERE a.term_average IS NOT NULL {and_where}
)
SELECT student_id, school_id, 'assiduite', since_low, latest, rate_now
  FROM agg WHERE since_low IS NOT NULL
UNION ALL
SELECT student_id, school_id, 'chute_assiduite', latest, latest, fall
  FROM agg WHERE fall >= %(drop)s
UNION ALL
SELECT student_id, school_id, 'non_justifiees', since_unjust, latest, 1.0 * unjust_now
  FROM agg WHERE since_unjust IS NOT NULL
UNION ALL
SELECT student_id, school_id, 'incidents', since_inc, latest, 1.0 * incidents_now
  FROM agg WHERE since_inc IS NOT NULL
UNION ALL
SELECT student_id, school_id, 'resultats', month, month, 1.0 * (avg_prev - avg_now)
  FROM g WHERE month = last_month AND avg_prev - avg_now >= %(grade_drop)s
"""


def flag_thresholds() -> dict[str, Any]:
    return {
        "expected": conf.expected_half_days(),
        "min_rate": conf.min_attendance_rate(),
        "drop": conf.attendance_drop(),
        "unjust": conf.unjustified_half_days(),
        "incidents": conf.incidents_per_month(),
        "grade_drop": conf.grade_drop(),
    }


def flag_select_sql(school_ids: Iterable[int] | None = None) -> tuple[str, dict[str, Any]]:
    """The flag query (one statement, aggregates and windows over the absences table)."""
    params = flag_thresholds()
    where = and_where = ""
    if school_ids is not None:
        ids = sorted({int(i) for i in school_ids}) or [0]
        placeholders = ", ".join(f"%(s{i})s" for i in range(len(ids)))
        params.update({f"s{i}": v for i, v in enumerate(ids)})
        where = f"WHERE a.school_id IN ({placeholders})"
        and_where = f"AND a.school_id IN ({placeholders})"
    sql = FLAG_SQL.format(absence=AbsenceRecord._meta.db_table, where=where, and_where=and_where)
    return sql, params


def compute_flags(*, school_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored flags of these schools (all if None) in SQL; returns how many.

    One pass of windows per pupil: for a lasting condition (attendance, unjustified
    absences, incidents) the last month where it did *not* hold is found; the flag stands if
    the latest month is after it, and `since` is the first month after it. A fall (attendance
    or term average) compares the latest month with the previous one. `since` comes from the
    data, so recomputing is deterministic and delete-and-insert leaves nothing stale.
    """
    select, params = flag_select_sql(school_ids)
    params["now"] = timezone.now()
    flag = Flag._meta.db_table
    insert = (
        f"INSERT INTO {flag} (student_id, school_id, reason, since, latest_month, value, "
        f"computed_at) SELECT q.*, %(now)s FROM ({select}) q"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        qs = Flag.objects.all()
        if school_ids is not None:
            qs = qs.filter(school_id__in=school_ids)
        qs.delete()
        cursor.execute(insert, params)
        count: int = cursor.rowcount
        return count


# --- GPDS ---------------------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    *, school: Etablissement, date: dt.date, members: str, notes: str = "", by: User | None
) -> GpdsMeeting:
    if not members.strip():
        raise ValidationError("Indiquez les membres présents.")
    return GpdsMeeting.objects.create(
        school=school, date=date, members=members, notes=notes, created_by=by
    )


def _review_specs(review: GpdsReview, *, done: bool) -> list[DeadlineSpec]:
    if not review.next_review_on:
        return []
    return [
        DeadlineSpec(
            kind=PreventionDeadline.GPDS_REVIEW,
            due_date=review.next_review_on,
            label=f"Nouvel examen en GPDS de {review.student}",
            url=review.get_absolute_url(),
            done=done,
            student_id=review.student_id,
            school_id=review.meeting.school_id,
            departement_id=review.meeting.school.departement_id,
        )
    ]


def refer_to_mlds(*, review: GpdsReview, by: User | None) -> str:
    """Open the MLDS follow-up when that capability exists; returns its reference or ""."""
    try:
        from mlds.services import open_follow_up
    except ImportError:
        return ""
    follow_up = open_follow_up(
        student=review.student, source="gpds", by=by, note=review.situation, origin=review
    )
    return str(getattr(follow_up, "public_id", "") or getattr(follow_up, "pk", "") or "")


@transaction.atomic
def record_review(
    *,
    meeting: GpdsMeeting,
    student: Student,
    decision: str,
    in_charge: str,
    next_review_on: dt.date | None,
    situation: str = "",
    by: User | None,
) -> GpdsReview:
    """Record one pupil's review; earlier GPDS review deadlines of the pupil are done."""
    if student.current_school_id != meeting.school_id:
        raise ValidationError("Cet élève n'est pas inscrit dans l'établissement du GPDS.")
    if decision not in GpdsDecision.values:
        raise ValidationError("Choisissez une décision.")
    if next_review_on and next_review_on <= meeting.date:
        raise ValidationError("Le prochain examen doit suivre la date de la réunion.")
    if GpdsReview.objects.filter(meeting=meeting, student=student).exists():
        raise ValidationError("Cet élève a déjà été examiné lors de cette réunion.")
    review = GpdsReview.objects.create(
        meeting=meeting,
        student=student,
        decision=decision,
        in_charge=in_charge,
        next_review_on=next_review_on,
        situation=situation,
        created_by=by,
    )
    earlier = (
        GpdsReview.objects.filter(student=student, meeting__school_id=meeting.school_id)
        .exclude(pk=review.pk)
        .select_related("meeting__school", "student")
    )
    for old in earlier:
        sync_deadlines(subject=old, specs=_review_specs(old, done=True))
    sync_deadlines(subject=review, specs=_review_specs(review, done=False))
    if decision == GpdsDecision.MLDS:
        reference = refer_to_mlds(review=review, by=by)
        if reference:
            review.mlds_reference = reference
            review.save(update_fields=["mlds_reference"])
    return review


# --- Opening paths ------------------------------------------------------------------------


def _check_no_open(model: type[PathBase], student: Student, label: str) -> int:
    """The pupil's school, where the path opens; refused if a path of `model` is open."""
    if student.current_school_id is None:
        raise ValidationError("L'élève n'est inscrit dans aucun établissement.")
    if model.objects.active().filter(student=student).exists():
        raise ValidationError(f"{label} est déjà ouvert pour cet élève.")
    return student.current_school_id


@transaction.atomic
def open_pafi(
    *,
    student: Student,
    planned_start: dt.date,
    planned_end: dt.date,
    objectives: str,
    activities: str,
    referent: str = "",
    review: GpdsReview | None = None,
    by: User | None,
) -> Pafi:
    school_id = _check_no_open(Pafi, student, "Un PAFI")
    pafi = Pafi(
        student=student,
        school_id=school_id,
        planned_start=planned_start,
        planned_end=planned_end,
        objectives=objectives,
        activities=activities,
        referent=referent,
        review=review,
        created_by=by,
    )
    pafi.check_dates()
    pafi.save()
    pafi.log(by=by, from_state="", to_state=pafi.status, label="Projet de PAFI ouvert")
    return pafi


@transaction.atomic
def open_derogatoire(
    *,
    student: Student,
    planned_start: dt.date,
    planned_end: dt.date,
    exempted_teachings: str,
    alternation: str,
    referent: str = "",
    review: GpdsReview | None = None,
    by: User | None,
) -> Derogatoire:
    if student.level not in rules.DEROGATOIRE_LEVELS:
        raise ValidationError(
            "Le parcours individualisé dérogatoire concerne les élèves de 4e ou de 3e "
            f"(niveau actuel : {student.get_level_display() or 'inconnu'})."
        )
    if planned_end <= planned_start:
        raise ValidationError("La fin prévue doit suivre le début du parcours.")
    school_id = _check_no_open(Derogatoire, student, "Un parcours dérogatoire")
    path = Derogatoire.objects.create(
        student=student,
        school_id=school_id,
        level=student.level,
        planned_start=planned_start,
        planned_end=planned_end,
        exempted_teachings=exempted_teachings,
        alternation=alternation,
        referent=referent,
        review=review,
        created_by=by,
    )
    path.log(by=by, from_state="", to_state=path.status, label="Projet de parcours ouvert")
    return path


@transaction.atomic
def offer_tdo(
    *,
    student: Student,
    proposed_on: dt.date,
    review: GpdsReview | None = None,
    referent: str = "",
    by: User | None,
) -> Tdo:
    school_id = _check_no_open(Tdo, student, "Tous droits ouverts")
    tdo = Tdo.objects.create(
        student=student,
        school_id=school_id,
        proposed_on=proposed_on,
        review=review,
        referent=referent,
        created_by=by,
    )
    tdo.log(by=by, from_state="", to_state=tdo.status, label="Tous droits ouverts proposé")
    return tdo


# --- Dérogatoire contract -----------------------------------------------------------------


def update_contract(*, path: Derogatoire, data: dict[str, Any], by: User | None) -> bool:
    """Change the contract while a draft; changing its content voids earlier signatures."""
    path.check_contract_editable()
    content_changed = any(
        getattr(path, f) != data[f] for f in Derogatoire.CONTRACT_FIELDS if f in data
    )
    had_signature = len(path.missing_signatures) < 3
    for field, value in data.items():
        setattr(path, field, value)
    if path.planned_end <= path.planned_start:
        raise ValidationError("La fin prévue doit suivre le début du parcours.")
    voided = content_changed and had_signature
    if content_changed:
        path.clear_signatures()
    path.save()
    path.note(by=by, label="Contrat modifié" + (" : signatures à recueillir" if voided else ""))
    path.sync_deadlines()
    return voided


def add_objective(*, path: Derogatoire, text: str, deadline: dt.date, by: User | None) -> None:
    path.check_contract_editable()
    if not text.strip():
        raise ValidationError("Rédigez l'objectif.")
    if deadline < path.planned_start or deadline > path.planned_end:
        raise ValidationError("L'échéance doit se situer pendant le parcours.")
    DerogatoireObjective.objects.create(path=path, text=text, deadline=deadline)
    if len(path.missing_signatures) < 3:
        path.clear_signatures()
        path.save()
    path.note(by=by, label=f"Objectif ajouté : {text}")


def record_signatures(
    *,
    path: Derogatoire,
    young: dt.date | None,
    family: dt.date | None,
    head: dt.date | None,
    by: User | None,
) -> None:
    path.check_contract_editable()
    for day in (young, family, head):
        if day and day > timezone.localdate():
            raise ValidationError("Une date de signature ne peut pas être dans le futur.")
    path.signed_by_young_on = young
    path.signed_by_family_on = family
    path.signed_by_head_on = head
    path.save()
    signed = [who for who, day in path.signatures if day]
    path.note(by=by, label="Signatures du contrat : " + (", ".join(signed) or "aucune"))


def add_bilan(
    *,
    path: Pafi | Derogatoire,
    kind: str,
    date: dt.date,
    assessment: str,
    next_steps: str = "",
    attach_to_assignment: bool = False,
    by: User | None,
) -> PathBilan:
    """Interim or final review of a running PAFI / dérogatoire; the final one ends a
    dérogatoire path."""
    running = {Pafi: "en_cours", Derogatoire: DerogatoireStatus.RUNNING}[type(path)]
    if path.status != running:
        raise ValidationError("Un bilan se rapporte à un parcours en cours.")
    if not assessment.strip():
        raise ValidationError("Rédigez le bilan.")
    if kind not in BilanKind.values:
        raise ValidationError("Choisissez le type de bilan.")
    if path.started_on and date < path.started_on:
        raise ValidationError("Le bilan ne peut précéder le début du parcours.")
    if kind == BilanKind.FINAL and path.bilans.filter(kind=BilanKind.FINAL).exists():
        raise ValidationError("Le bilan final est déjà enregistré.")
    bilan = PathBilan.objects.create(
        kind=kind,
        date=date,
        assessment=assessment,
        next_steps=next_steps,
        attach_to_assignment=attach_to_assignment and kind == BilanKind.FINAL,
        by=by,
        **{path.KIND: path},
    )
    label = BilanKind(kind).label
    if kind == BilanKind.INTERIM:
        nxt = date + dt.timedelta(days=conf.bilan_interval_days())
        path.next_review_on = nxt if nxt < path.planned_end else path.planned_end
        path.save()
    path.note(by=by, label=f"{label} du {date:%d/%m/%Y}", comment=assessment)
    if kind == BilanKind.FINAL and isinstance(path, Derogatoire):
        path.finish(by=by, finished_on=date)
    else:
        path.sync_deadlines()
    return bilan


def add_tdo_follow_up(
    *, tdo: Tdo, date: dt.date, participants: str, note: str, by: User | None
) -> None:
    if tdo.status != "en_parcours":
        raise ValidationError("Le suivi conjoint se rapporte à un parcours en cours.")
    if tdo.start_date is None or date < tdo.start_date:
        raise ValidationError("Le point de suivi ne peut précéder le début du parcours.")
    if not participants.strip() or not note.strip():
        raise ValidationError("Indiquez les participants et les observations.")
    TdoFollowUp.objects.create(tdo=tdo, date=date, participants=participants, note=note, by=by)
    tdo.note(by=by, label=f"Suivi conjoint avec le partenaire ({date:%d/%m/%Y})", comment=note)
