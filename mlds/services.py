"""Entry points other apps and the pages call to hand young people over to the MLDS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import SCHOOL_ROLES

from . import conf, rules
from .enums import (
    DROIT_RETOUR_DIPLOMAS,
    AmbitionEmploiDiploma,
    FollowUpSource,
    FollowUpStatus,
    HighestDiploma,
)
from .models import AmbitionEmploi, DroitRetour, FollowUp, FollowUpLog

if TYPE_CHECKING:
    from django.db.models import Model

    from accounts.models import User
    from students.models import Student
    from territories.models import Departement, Etablissement, Partner

# Sources where the signalling school is the pupil's current school.
SCHOOL_SOURCES = {
    FollowUpSource.SIGNALEMENT_ETABLISSEMENT,
    FollowUpSource.REPREPA_SANS_SOLUTION,
    FollowUpSource.GPDS,
}


def check_follow_up_age(student: Student, today: dt.date) -> None:
    age = student.age_on(today)
    if age < rules.FOLLOW_UP_MIN_AGE:
        raise ValidationError(
            f"{student} a {age} ans : le suivi MLDS concerne les jeunes de 16 à 24 ans "
            f"(possible à partir du {rules.birthday(student.birth_date, 16):%d/%m/%Y})."
        )
    if age >= rules.FOLLOW_UP_END_AGE():
        raise ValidationError(
            f"{student} a {age} ans : le suivi MLDS s'arrête à {rules.FOLLOW_UP_END_AGE()} ans. "
            "Orientez le jeune vers la mission locale ou un autre partenaire."
        )


def _departement_of(
    *, student: Student, by: User | None, departement: Departement | int | None
) -> int:
    if departement is not None:
        value: Any = departement  # a Departement or its id
        return int(getattr(value, "pk", value))
    if student.current_school is not None:
        return student.current_school.departement_id
    role = getattr(by, "active_role", None)
    ids: list[int] = role.departement_ids() if role else []
    if len(ids) == 1:
        return ids[0]
    raise ValidationError(
        "Impossible de déterminer le département du suivi : le jeune n'a pas d'établissement "
        "connu, précisez le département."
    )


def _origin_school(
    *, student: Student, source: str, by: User | None, origin: Model | None
) -> Etablissement | None:
    school: Etablissement | None = getattr(origin, "school", None)
    if school is not None:
        return school
    role = getattr(by, "active_role", None)
    if role is not None and role.role in SCHOOL_ROLES:
        school = role.etablissement
    elif source in SCHOOL_SOURCES:
        school = student.current_school
    return school


def open_follow_up(
    *,
    student: Student,
    source: str,
    by: User | None,
    note: str = "",
    origin: Model | None = None,
    departement: Departement | int | None = None,
    today: dt.date | None = None,
    **extra: Any,
) -> FollowUp:
    """Open the MLDS follow-up of `student`, or return the one already open.

    Idempotent: a second hand-over of the same young person adds a line to the timeline of
    the open follow-up instead of a duplicate (one open follow-up per young person is also a
    database constraint). Refused with a French ValidationError outside 16–24 years.
    `origin` is the case handing over (re-preparation dossier, GPDS review…), kept as a link.
    The département is the one of the student's school, else the one of `by`'s role.
    """
    today = today or timezone.localdate()
    if source not in FollowUpSource.values:
        raise ValidationError("Origine du signalement inconnue.")
    by_user = by if getattr(by, "pk", None) else None
    origin_label = str(origin)[:250] if origin is not None else ""
    existing: FollowUp | None = FollowUp.objects.open().filter(student=student).first()
    if existing is not None:
        _log_new_signal(existing, source=source, by=by_user, note=note, origin_label=origin_label)
        return existing
    check_follow_up_age(student, today)
    departement_id = _departement_of(student=student, by=by, departement=departement)
    follow_up = FollowUp(
        student=student,
        departement_id=departement_id,
        source=source,
        status=FollowUpStatus.SIGNALE,
        last_school=extra.pop("last_school", None) or student.current_school,
        origin_school=_origin_school(student=student, source=source, by=by, origin=origin),
        origin_label=origin_label,
        signal_note=note,
        signaled_on=today,
        contact_due_on=today + dt.timedelta(days=conf.contact_days()),
        created_by=by_user,
        **extra,
    )
    if origin is not None and getattr(origin, "pk", None):
        follow_up.origin_type = ContentType.objects.get_for_model(origin)
        follow_up.origin_id = origin.pk
    try:
        with transaction.atomic():
            follow_up.save()
            FollowUpLog.objects.create(
                follow_up=follow_up,
                by=by_user,
                from_state="",
                to_state=FollowUpStatus.SIGNALE,
                comment=_signal_comment(source, note, origin_label),
            )
            follow_up.sync_deadlines()
    except IntegrityError:
        # Another hand-over of the same young person won the race: return its follow-up.
        existing = FollowUp.objects.open().filter(student=student).first()
        if existing is None:
            raise
        _log_new_signal(existing, source=source, by=by_user, note=note, origin_label=origin_label)
        return existing
    return follow_up


def _signal_comment(source: str, note: str, origin_label: str) -> str:
    text = f"Signalement : {FollowUpSource(source).label}"
    if origin_label:
        text += f" ({origin_label})"
    if note:
        text += f" — {note}"
    return text


def _log_new_signal(
    follow_up: FollowUp, *, source: str, by: User | None, note: str, origin_label: str
) -> None:
    FollowUpLog.objects.create(
        follow_up=follow_up,
        by=by,
        from_state=follow_up.status,
        to_state=follow_up.status,
        comment="Nouveau s" + _signal_comment(source, note, origin_label)[1:],
    )


# --- Parcours Ambition emploi ---------------------------------------------------------------


# Exams of the results the app holds (dossiers.ExamResult) that open the parcours.
AMBITION_EMPLOI_EXAMS = {"cap": AmbitionEmploiDiploma.CAP, "bac_pro": AmbitionEmploiDiploma.BAC_PRO}
PASSED_OUTCOMES = ("admis", "admis_controle")


def held_exam_cycle(student: Student) -> dict[str, Any] | None:
    """The last CAP / bac pro result the app holds for `student` (imported from Cyclades).

    Read through the app registry: the re-preparation app depends on this one, not the
    reverse.
    """
    from django.apps import apps

    exam_result = apps.get_model("dossiers", "ExamResult")
    row = (
        exam_result.objects.filter(student=student, exam__in=list(AMBITION_EMPLOI_EXAMS))
        .order_by("-session_year", "-id")
        .values("exam", "session_year", "outcome")
        .first()
    )
    if row is None:
        return None
    diploma = AMBITION_EMPLOI_EXAMS[row["exam"]]
    return {
        "diploma": diploma,
        "session_year": row["session_year"],
        "passed": row["outcome"] in PASSED_OUTCOMES,
        "label": f"{diploma.label}, session {row['session_year']}",
    }


def check_ambition_emploi_eligibility(
    *,
    diploma: str,
    session_year: int | None,
    is_employed_or_in_training: bool,
    today: dt.date,
    academie_id: int | None = None,
) -> None:
    """Arrêté du 18 juillet 2023: cycle of bac pro, BMA, DTMS or CAP completed at the last
    session (whatever the result), neither employed nor in training."""
    if diploma not in AmbitionEmploiDiploma.values:
        raise ValidationError(
            "Le parcours est réservé aux jeunes ayant achevé un cycle de bac professionnel, "
            "de brevet des métiers d'art, de DTMS ou de CAP."
        )
    last_session = rules.last_session_year(today, academie_id)
    if session_year != last_session:
        raise ValidationError(
            f"Le cycle doit avoir été achevé à la dernière session ({last_session}), "
            f"pas en {session_year}."
        )
    last_start = rules.ambition_emploi_start_window(session_year, academie_id)[1]
    if today > last_start:
        raise ValidationError(
            f"Le parcours d'un cycle achevé à la session {session_year} devait commencer au "
            f"plus tard le {last_start:%d/%m/%Y} (fin des cours) : proposez une autre solution."
        )
    if is_employed_or_in_training:
        raise ValidationError(
            "Le jeune est en emploi ou en formation : il n'est pas éligible au parcours."
        )


def propose_ambition_emploi(
    *,
    student: Student,
    by: User | None,
    diploma: str = "",
    school: Etablissement | None = None,
    session_year: int | None = None,
    is_volunteer: bool = False,
    is_employed_or_in_training: bool = False,
    objectives: str = "",
    partners: Iterable[Partner] = (),
    follow_up: FollowUp | None = None,
    origin: Model | None = None,
    today: dt.date | None = None,
) -> AmbitionEmploi:
    """Offer a Parcours Ambition emploi to a CAP / bac pro pupil without solution.

    Called from the re-preparation dossier page and from the MLDS follow-up page. The pupil
    stays enrolled in `school` (default: the current school). When the app holds the young
    person's CAP or bac pro result, the cycle and the session come from it, not from what was
    typed (a BMA or DTMS cycle, absent from Cyclades imports here, stays as typed).
    Idempotent: an active parcours of the same pupil is returned instead of a second one.
    """
    today = today or timezone.localdate()
    existing: AmbitionEmploi | None = (
        AmbitionEmploi.objects.active().filter(student=student).first()
    )
    if existing is not None:
        return existing
    school = school or student.current_school
    if school is None:
        raise ValidationError(
            "Le parcours se fait sous statut scolaire : indiquez l'établissement d'inscription."
        )
    from notifications import calendar

    academie_id = calendar.academie_of(school.departement_id)
    held = held_exam_cycle(student)
    source = ""
    if held and diploma not in (AmbitionEmploiDiploma.BMA, AmbitionEmploiDiploma.DTMS):
        diploma, session_year = held["diploma"], held["session_year"]
        source = f" (cycle et session d'après les résultats d'examen : {held['label']})"
    session_year = session_year or rules.last_session_year(today, academie_id)
    check_ambition_emploi_eligibility(
        diploma=diploma,
        session_year=session_year,
        is_employed_or_in_training=is_employed_or_in_training,
        today=today,
        academie_id=academie_id,
    )
    by_user = by if getattr(by, "pk", None) else None
    parcours = AmbitionEmploi(
        student=student,
        school=school,
        departement_id=school.departement_id,
        follow_up=follow_up,
        origin_label=str(origin)[:250] if origin is not None else "",
        diploma=diploma,
        session_year=session_year,
        is_volunteer=is_volunteer,
        is_employed_or_in_training=is_employed_or_in_training,
        objectives=objectives,
        proposed_on=today,
        created_by=by_user,
    )
    try:
        with transaction.atomic():
            parcours.save()
            if partners:
                parcours.partners.set(partners)
            parcours.log_model.objects.create(
                parcours=parcours,
                by=by_user,
                from_state="",
                to_state=parcours.status,
                comment="Parcours Ambition emploi proposé"
                + (f" depuis {parcours.origin_label}" if parcours.origin_label else "")
                + source,
            )
    except IntegrityError:
        existing = AmbitionEmploi.objects.active().filter(student=student).first()
        if existing is None:
            raise
        return existing
    return parcours


# --- Droit au retour en formation ---------------------------------------------------------


def held_diplomas(student: Student) -> list[str]:
    """Diplomas the app knows `student` obtained: passed results imported from Cyclades."""
    from django.apps import apps

    exam_result = apps.get_model("dossiers", "ExamResult")
    return [
        f"{r.get_exam_display()} (session {r.session_year})"
        for r in exam_result.objects.filter(student=student, outcome__in=PASSED_OUTCOMES)
    ]


def check_droit_retour_diploma(student: Student, highest_diploma: str) -> None:
    """Décret 2014-1453 (D.122-3-6): left school without a diploma, or with only the DNB or
    the CFG (domain.md §4.11). A diploma the app holds outweighs the declaration."""
    if highest_diploma not in HighestDiploma.values:
        raise ValidationError(
            "Indiquez le diplôme le plus élevé du jeune : le droit au retour en formation "
            "concerne les jeunes sortis sans diplôme, ou avec seulement le DNB ou le CFG."
        )
    held = held_diplomas(student)
    if held:
        raise ValidationError(
            f"{student} a obtenu : {', '.join(held)} (résultats d'examen connus de "
            "l'application). Le droit au retour en formation concerne les jeunes sortis sans "
            "diplôme, ou avec seulement le DNB ou le CFG (décret 2014-1453)."
        )
    if highest_diploma not in DROIT_RETOUR_DIPLOMAS:
        message = (
            f"Diplôme déclaré : {HighestDiploma(highest_diploma).label}. Le droit au retour en "
            "formation concerne les jeunes sortis sans diplôme, ou avec seulement le DNB ou le "
            "CFG (décret 2014-1453)."
        )
        if highest_diploma == HighestDiploma.BAC_GT:
            message += (
                " Un bachelier sans qualification professionnelle relève d'un autre texte "
                "(décret 2014-1454, formation professionnelle dans la limite des places) : "
                "orientez-le vers le CIO."
            )
        raise ValidationError(message)


def open_droit_retour(
    *,
    student: Student,
    by: User | None,
    channel: str,
    requested_on: dt.date,
    highest_diploma: str,
    departement: Departement | int | None = None,
    last_school: Etablissement | None = None,
) -> DroitRetour:
    """Register a request to return to initial training (16–25) and its 15-day interview.

    Refused unless the young person left without a diploma, or with only the DNB or CFG.
    A young person under 25 also gets (or keeps) an MLDS follow-up, linked to the request.
    """
    today = timezone.localdate()
    if requested_on > today:
        raise ValidationError("La date de la demande ne peut pas être dans le futur.")
    age = student.age_on(requested_on)
    if not rules.DROIT_RETOUR_MIN_AGE <= age <= rules.DROIT_RETOUR_MAX_AGE:
        raise ValidationError(
            f"{student} a {age} ans : le droit au retour en formation concerne les jeunes "
            "de 16 à 25 ans."
        )
    check_droit_retour_diploma(student, highest_diploma)
    if DroitRetour.objects.open().filter(student=student).exists():
        raise ValidationError(f"{student} a déjà une demande de retour en formation en cours.")
    departement_id = _departement_of(student=student, by=by, departement=departement)
    follow_up = None
    if age < rules.FOLLOW_UP_END_AGE():
        follow_up = open_follow_up(
            student=student,
            source=FollowUpSource.DROIT_RETOUR,
            by=by,
            departement=departement_id,
            last_school=last_school,
        )
    request = DroitRetour(
        student=student,
        departement_id=departement_id,
        last_school=last_school or student.current_school,
        follow_up=follow_up,
        channel=channel,
        highest_diploma=highest_diploma,
        requested_on=requested_on,
        interview_due_on=DroitRetour.interview_deadline(requested_on),
        created_by=by if getattr(by, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            request.save()
            request.log_model.objects.create(
                request=request,
                by=request.created_by,
                from_state="",
                to_state=request.status,
                comment=f"Demande reçue ({request.get_channel_display()}) — diplôme le plus "
                f"élevé : {request.get_highest_diploma_display()}",
            )
            request.sync_deadlines()
    except IntegrityError as exc:
        raise ValidationError(
            f"{student} a déjà une demande de retour en formation en cours."
        ) from exc
    return request
