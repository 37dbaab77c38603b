"""Import of exam results (Cyclades-like CSV): all-or-nothing, idempotent, row-level errors.

The file is read through the first active column profile of kind "results"
(`imports.profiles`, editable in the admin). Fields: ine, examen, serie_specialite, session,
resultat, moyenne, then one `note_<CODE>` column per épreuve (codes in rules.DIPLOMA_RULES).
A mark cell holds `12,5`, `ABS` (absent) or is empty (épreuve not sat); `12,5@2024` gives
the session the mark was obtained in (a mark kept from an earlier session).
"""

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config import bulk
from jobs.uploads import UploadRejected, error
from notifications import calendar
from notifications.services import sync_deadlines_many
from students.models import Student
from students.validators import ine_format, normalize_ine
from territories.models import Etablissement

from . import rules
from .enums import DossierState, Exam, ExamOutcome
from .models import (
    DossierTransition,
    EpreuveMark,
    ExamResult,
    RepreparationDossier,
)
from .models.results import normalize_specialty, results_day_for

MARK_PREFIX = "note_"

EXAM_ALIASES = {
    "bac_general": Exam.BAC_GENERAL,
    "bac_g": Exam.BAC_GENERAL,
    "baccalaureat_general": Exam.BAC_GENERAL,
    "bac_techno": Exam.BAC_TECHNO,
    "bac_technologique": Exam.BAC_TECHNO,
    "baccalaureat_technologique": Exam.BAC_TECHNO,
    "bac_pro": Exam.BAC_PRO,
    "bac_professionnel": Exam.BAC_PRO,
    "baccalaureat_professionnel": Exam.BAC_PRO,
    "bt": Exam.BT,
    "bts": Exam.BTS,
    "cap": Exam.CAP,
}
OUTCOME_ALIASES = {
    "admis": ExamOutcome.ADMIS,
    "admis_controle": ExamOutcome.ADMIS_APRES_CONTROLE,
    "admis_apres_controle": ExamOutcome.ADMIS_APRES_CONTROLE,
    "admis_second_groupe": ExamOutcome.ADMIS_APRES_CONTROLE,
    "admis_apres_second_groupe": ExamOutcome.ADMIS_APRES_CONTROLE,
    "second_groupe": ExamOutcome.EN_ATTENTE_SECOND_GROUPE,
    "en_attente_second_groupe": ExamOutcome.EN_ATTENTE_SECOND_GROUPE,
    "ajourne": ExamOutcome.AJOURNE,
    "refuse": ExamOutcome.AJOURNE,
    "absent": ExamOutcome.ABSENT,
}


@functools.lru_cache(maxsize=256)
def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self):
        return f"Ligne {self.line} : {self.message}"


@dataclass
class ImportReport:
    results_created: int = 0
    results_updated: int = 0
    dossiers_opened: int = 0
    errors: list[RowError] = field(default_factory=list)
    profile: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return (
            f"{self.results_created} résultat(s) créé(s), {self.results_updated} mis à jour, "
            f"{self.dossiers_opened} dossier(s) de re-préparation ouvert(s)"
            + (f" (profil de colonnes « {self.profile} »)." if self.profile else ".")
        )


@dataclass
class ParsedRow:
    line: int
    ine: str
    exam: str
    specialty: str
    session_year: int
    outcome: str
    average: Decimal | None
    marks: list[tuple[str, Decimal | None, int]]


def _parse_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ".").strip())
    except InvalidOperation as exc:
        raise ValueError(f"« {text} » n'est pas une note") from exc
    if not value.is_finite():
        raise ValueError(f"« {text} » n'est pas une note")
    return value


def _parse_mark(text: str, session_year: int):
    text = text.strip()
    obtained = session_year
    if "@" in text:
        text, _, year = text.partition("@")
        if not year.strip().isdigit():
            raise ValueError(f"session d'obtention « {year} » invalide")
        obtained = int(year)
        if obtained > session_year:
            raise ValueError(f"session d'obtention {obtained} postérieure à la session")
        text = text.strip()
    if text.upper() in {"ABS", "ABSENT", "AB"}:
        return None, obtained
    value = _parse_decimal(text)
    if not rules.MARK_MIN <= value <= rules.MARK_MAX:
        raise ValueError(f"note {text} hors de l'intervalle 0 à 20")
    return value, obtained


def read(raw: bytes):
    """The file through the first results profile that recognises it (`imports.profiles`)."""
    from imports.profiles import RESULTS, read_table
    from imports.sources import ImportFileError

    try:
        return read_table(raw, RESULTS)
    except ImportFileError as exc:
        raise ValidationError(str(exc)) from exc


def parse(table, *, today: dt.date) -> tuple[list[ParsedRow], list[RowError]]:
    columns = table.header
    raw_header = table.raw_header
    mark_columns = [
        (i, raw_header[i].strip()[len(MARK_PREFIX) :].strip().upper())
        for i, c in enumerate(columns)
        if c is not None and c.startswith(MARK_PREFIX)
    ]
    index = table.index
    rows, errors, seen = [], [], {}
    for number, cells in table.rows():

        def cell(name, cells=cells):
            i = index.get(name)
            return cells[i].strip() if i is not None else ""

        problems = []
        ine = normalize_ine(cell("ine")) if cell("ine") else ""
        if not ine:
            problems.append("INE manquant")
        elif ine_format(ine) is None:
            problems.append(f"INE « {ine} » invalide")
        exam = EXAM_ALIASES.get(_key(cell("examen")))
        if exam is None:
            problems.append(f"examen « {cell('examen')} » inconnu")
        outcome = OUTCOME_ALIASES.get(_key(cell("resultat")))
        if outcome is None:
            problems.append(f"résultat « {cell('resultat')} » inconnu")
        session_year = None
        if not re.fullmatch(r"(19|20)[0-9]{2}", cell("session")):
            problems.append(f"session « {cell('session')} » invalide (année attendue)")
        else:
            session_year = int(cell("session"))
            if session_year > today.year:
                problems.append(f"la session {session_year} est dans le futur")
        specialty = normalize_specialty(cell("serie_specialite"))
        rule = rules.DIPLOMA_RULES.get(exam) if exam else None
        if rule and rule.needs_specialty and not specialty:
            problems.append(f"série ou spécialité manquante pour le {Exam(exam).label}")
        average = None
        if cell("moyenne"):
            try:
                average = _parse_decimal(cell("moyenne"))
                if not rules.MARK_MIN <= average <= rules.MARK_MAX:
                    problems.append(f"moyenne {cell('moyenne')} hors de l'intervalle 0 à 20")
            except ValueError as exc:
                problems.append(f"moyenne : {exc}")
        marks = []
        if session_year is not None:
            for i, code in mark_columns:
                value = cells[i].strip()
                if not value:
                    continue
                if rule is not None and rule.epreuve(code) is None:
                    problems.append(f"épreuve « {code} » inconnue pour le {Exam(exam).label}")
                    continue
                try:
                    mark, obtained = _parse_mark(value, session_year)
                except ValueError as exc:
                    problems.append(f"{code} : {exc}")
                    continue
                marks.append((code, mark, obtained))
        key = (ine, exam, session_year)
        if ine and exam and session_year and key in seen:
            problems.append(
                f"ligne en double (déjà vue ligne {seen[key]} pour cet INE, examen et session)"
            )
        elif ine and exam and session_year:
            seen[key] = number
        if problems:
            errors.append(RowError(number, " ; ".join(problems) + "."))
            continue
        rows.append(ParsedRow(number, ine, exam, specialty, session_year, outcome, average, marks))
    return rows, errors


def run_upload(job, raw: bytes, user) -> str:
    """The background import of a browser upload (jobs.uploads): the uploader's scope."""
    report = import_results(raw, by=user, scope_user=user)
    if not report.ok:
        raise UploadRejected(
            [error(e.message[:1].upper() + e.message[1:], line=e.line) for e in report.errors]
        )
    return report.summary


def import_results(
    raw: bytes, *, by=None, scope_user=None, today=None, writer: str | None = None
) -> ImportReport:
    """Parse, check every row, then write everything in one transaction (or nothing).

    `scope_user` limits the pupils to that account's scope (browser upload); the management
    command passes None for a whole académie. The rows are written set-based on PostgreSQL
    (`config.bulk`), through the ORM elsewhere or with `writer="orm"`.
    """
    today = today or timezone.localdate()
    with calendar.memo():
        return _import_results(raw, by=by, scope_user=scope_user, today=today, writer=writer)


def _import_results(raw: bytes, *, by, scope_user, today, writer) -> ImportReport:
    report = ImportReport()
    try:
        table = read(raw)
    except ValidationError as exc:
        report.errors = [RowError(1, exc.messages[0])]
        return report
    report.profile = table.profile.name
    rows, report.errors = parse(table, today=today)
    ines = {r.ine for r in rows}
    pupils = (
        Student.objects.all() if scope_user is None else Student.objects.in_scope_of(scope_user)
    )
    students = _pupils(pupils, ines)
    # Pupils the uploader may not see: read only to tell "out of your scope" from "unknown".
    missing = ines - students.keys()
    outside = _pupils(Student.objects.all(), missing) if missing else {}
    valid = []
    results_days: dict[tuple, dt.date] = {}
    for row in rows:
        pupil = students.get(row.ine)
        if pupil is None:
            message = (
                f"l'élève {row.ine} est hors de votre périmètre."
                if row.ine in outside
                else f"INE {row.ine} inconnu : importez d'abord l'élève."
            )
            report.errors.append(RowError(row.line, message))
            continue
        if pupil.school_id is None:
            report.errors.append(
                RowError(row.line, f"l'élève {row.ine} n'a pas d'établissement actuel.")
            )
            continue
        day_key = (pupil.academie_id, row.session_year, row.exam)
        if day_key not in results_days:
            results_days[day_key] = results_day_for(*day_key)
        results_day = results_days[day_key]
        if results_day > today:
            report.errors.append(
                RowError(
                    row.line,
                    f"la session {row.session_year} n'a pas encore de résultats (publication le "
                    f"{results_day:%d/%m/%Y}).",
                )
            )
            continue
        valid.append((row, pupil, results_day))
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    use_sql = bulk.supported() and writer != "orm"
    try:
        _write(valid, report, by=by, sql=use_sql)
    except IntegrityError as exc:
        raise ValidationError(
            "Un autre import des mêmes résultats a eu lieu au même moment : rien n'a été "
            "enregistré, relancez l'import."
        ) from exc
    return report


@dataclass(frozen=True)
class _Pupil:
    """What the import needs of a pupil (read as tuples: no model instance per row)."""

    id: int
    last_name: str
    first_name: str
    school_id: int | None
    departement_id: int | None
    academie_id: int | None

    def as_student(self) -> Student:
        # As the ORM builds a row read with only these columns (the others deferred).
        return Student.from_db(
            "default", ["id", "last_name", "first_name"], [self.id, self.last_name, self.first_name]
        )


def _pupils(queryset, ines) -> dict[str, _Pupil]:
    return {
        row[0]: _Pupil(*row[1:])
        for row in queryset.filter(ine__in=ines)
        .order_by()
        .values_list(
            "ine",
            "id",
            "last_name",
            "first_name",
            "current_school_id",
            "current_school__departement_id",
            "current_school__departement__academie_id",
        )
    }


RESULT_FIELDS = ("school_id", "specialty", "outcome", "average")


@transaction.atomic
def _write(valid, report: ImportReport, *, by, sql: bool) -> None:
    """Results, their marks, the dossiers of the ajournés, their first transition and their
    deadlines. With `sql` (PostgreSQL), new rows go by COPY with ids reserved beforehand and
    changed rows by one UPDATE per table (`config.bulk`); otherwise through the ORM's bulk
    operations. Both write the same rows (tests/dossiers/test_import.py)."""
    now = timezone.now()
    existing = {
        (student_id, exam, session_year): pk
        for pk, student_id, exam, session_year in ExamResult.objects.select_for_update()
        .filter(student_id__in={pupil.id for _, pupil, _ in valid})
        .values_list("id", "student_id", "exam", "session_year")
    }
    result_ids: list[int] = []
    new, changed = [], []
    for row, pupil, _ in valid:
        pk = existing.get((pupil.id, row.exam, row.session_year))
        values = (pupil.school_id, row.specialty, row.outcome, row.average)
        if pk is None:
            new.append((len(result_ids), pupil.id, row.exam, row.session_year, values))
            result_ids.append(0)
        else:
            changed.append((pk, *values))
            result_ids.append(pk)
    if sql:
        for (index, *_), pk in zip(new, bulk.reserve_ids(ExamResult, len(new)), strict=True):
            result_ids[index] = pk
        bulk.copy_rows(
            ExamResult,
            ("id", "student_id", "exam", "session_year", *RESULT_FIELDS, "imported_at"),
            (
                (result_ids[index], student_id, exam, year, *values, now)
                for index, student_id, exam, year, values in new
            ),
        )
        bulk.update_rows(ExamResult, (*RESULT_FIELDS, "imported_at"), [(*c, now) for c in changed])
    else:
        created = ExamResult.objects.bulk_create(
            [
                ExamResult(
                    student_id=student_id,
                    exam=exam,
                    session_year=year,
                    **dict(zip(RESULT_FIELDS, values, strict=True)),
                )
                for _, student_id, exam, year, values in new
            ]
        )
        for (index, *_), result in zip(new, created, strict=True):
            result_ids[index] = result.pk
        ExamResult.objects.bulk_update(
            [
                ExamResult(pk=pk, **dict(zip(RESULT_FIELDS, values, strict=True)))
                for pk, *values in changed
            ],
            list(RESULT_FIELDS),
        )
    changed_ids = [pk for pk, *_ in changed]
    if changed_ids:
        EpreuveMark.objects.filter(result_id__in=changed_ids).delete()
    report.results_created, report.results_updated = len(new), len(changed)

    marks = [
        (result_id, code, rules.DIPLOMA_RULES[row.exam].epreuve(code).label, mark, obtained)
        for (row, _, _), result_id in zip(valid, result_ids, strict=True)
        for code, mark, obtained in row.marks
    ]
    mark_fields = ("result_id", "code", "label", "mark", "session_year")
    if sql:
        bulk.copy_rows(EpreuveMark, mark_fields, marks)
    else:
        EpreuveMark.objects.bulk_create(
            [EpreuveMark(**dict(zip(mark_fields, m, strict=True))) for m in marks],
            batch_size=2000,
        )

    with_dossier = dict(
        RepreparationDossier.objects.filter(exam_result_id__in=changed_ids).values_list(
            "exam_result_id", "id"
        )
    )
    new_dossiers, refreshed = [], []
    schools: dict[int, Etablissement] = {}
    threshold = rules.KEEP_MARK_THRESHOLD()
    for (row, pupil, results_day), result_id in zip(valid, result_ids, strict=True):
        below_ten = sum(1 for _, m, _ in row.marks if m is None or m < threshold)
        if result_id in with_dossier:
            refreshed.append((with_dossier[result_id], row.average, below_ten))
        elif row.outcome == ExamOutcome.AJOURNE:
            dossier = RepreparationDossier(
                student_id=pupil.id,
                school_id=pupil.school_id,
                exam_result_id=result_id,
                opened_on=results_day,
                average=row.average,
                below_ten_count=below_ten,
            )
            # What the deadlines' labels and scope read, without a query per dossier.
            dossier.student = pupil.as_student()
            if pupil.school_id not in schools:
                schools[pupil.school_id] = Etablissement(
                    id=pupil.school_id, departement_id=pupil.departement_id
                )
            dossier.school = schools[pupil.school_id]
            new_dossiers.append(dossier)
    transitions = [
        DossierTransition(
            dossier=d,
            action="open",
            from_state="",
            to_state=DossierState.REMIS,
            by=by,
            comment="Dossier ouvert à l'import des résultats (élève ajourné).",
        )
        for d in new_dossiers
    ]
    if sql:
        for dossier, pk in zip(
            new_dossiers, bulk.reserve_ids(RepreparationDossier, len(new_dossiers)), strict=True
        ):
            dossier.pk = pk
        bulk.copy_instances(RepreparationDossier, new_dossiers)
        for dossier in new_dossiers:
            dossier._state.adding = False
        for transition in transitions:
            transition.dossier_id = transition.dossier.pk
        bulk.copy_instances(DossierTransition, transitions)
        bulk.update_rows(RepreparationDossier, ("average", "below_ten_count"), refreshed)
    else:
        RepreparationDossier.objects.bulk_create(new_dossiers, batch_size=1000)
        DossierTransition.objects.bulk_create(transitions, batch_size=1000)
        RepreparationDossier.objects.bulk_update(
            [
                RepreparationDossier(pk=pk, average=average, below_ten_count=below_ten)
                for pk, average, below_ten in refreshed
            ],
            ["average", "below_ten_count"],
        )
    sync_deadlines_many(subjects=new_dossiers, created=True)
    report.dossiers_opened = len(new_dossiers)
