"""Import of monthly absences from a CSV file: all rows valid or nothing written.

The file is read through the first active column profile of kind "absences"
(`imports.profiles`, editable in the admin); the built-in one expects
    ine ; mois ; demi_journees_absence ; dont_non_justifiees
    [; incidents ; moyenne_trimestre ; demi_journees_attendues]
`mois` is 2025-10, 10/2025 or 2025-10-01. Re-importing a (pupil, month) replaces it.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from jobs.uploads import UploadRejected, line_errors
from students.models import Student

from . import conf
from .models import AbsenceRecord
from .services import compute_flags

MAX_HALF_DAYS_IN_MONTH = 62
BATCH = 5000


class ImportRejected(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} erreur(s)")
        self.errors = errors


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    flags: int = 0
    schools: set = field(default_factory=set)
    profile: str = ""


def _read(raw: bytes):
    """The file through the first absences profile that recognises it (`imports.profiles`)."""
    from imports.profiles import ABSENCES, read_table
    from imports.sources import ImportFileError

    try:
        return read_table(raw, ABSENCES)
    except ImportFileError as exc:
        raise ImportRejected([str(exc)]) from exc


def _parse_month(value: str, profile):
    """The first day of the month a cell names, in one of the profile's date formats."""
    try:
        parsed = profile.parse_date(value)
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.day == 1 else None


def _int(value: str, label: str, errors: list, *, required: bool, line: int):
    value = (value or "").strip()
    if not value:
        if required:
            errors.append(f"Ligne {line} : « {label} » est obligatoire.")
        return None
    if not value.isdigit():
        errors.append(f"Ligne {line} : « {label} » doit être un nombre entier positif ({value}).")
        return None
    return int(value)


def parse(raw: bytes) -> tuple[list[dict], list[str]]:
    """Rows as dicts and the French errors, without touching the database."""
    rows, errors, _ = parse_table(raw)
    return rows, errors


def parse_table(raw: bytes) -> tuple[list[dict], list[str], str]:
    """Rows, errors and the name of the column profile that read the file."""
    table = _read(raw)
    index = table.index
    rows, errors, seen = [], [], {}
    this_month = timezone.localdate().replace(day=1)
    for line, cells in table.rows():
        if len(rows) + len(errors) >= conf.import_max_rows():
            errors.append(f"Le fichier dépasse {conf.import_max_rows()} lignes.")
            break

        def cell(name, cells=cells):
            i = index.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        before = len(errors)
        ine = cell("ine").strip().upper().replace(" ", "")
        if not ine:
            errors.append(f"Ligne {line} : l'INE est obligatoire.")
        month = _parse_month(cell("mois"), table.profile)
        if month is None:
            errors.append(
                f"Ligne {line} : mois illisible « {cell('mois')} » (attendu 2025-10 ou 10/2025)."
            )
        elif month > this_month:
            errors.append(f"Ligne {line} : le mois {month:%m/%Y} est dans le futur.")
        missed = _int(
            cell("demi_journees_absence"),
            "demi-journées d'absence",
            errors,
            required=True,
            line=line,
        )
        unjust = (
            _int(
                cell("dont_non_justifiees"),
                "dont non justifiées",
                errors,
                required=False,
                line=line,
            )
            or 0
        )
        incidents = _int(cell("incidents"), "incidents", errors, required=False, line=line)
        expected = _int(
            cell("demi_journees_attendues"),
            "demi-journées attendues",
            errors,
            required=False,
            line=line,
        )
        average = None
        raw_avg = cell("moyenne_trimestre").strip().replace(",", ".")
        if raw_avg:
            try:
                average = Decimal(raw_avg)
            except InvalidOperation:
                errors.append(f"Ligne {line} : moyenne illisible « {raw_avg} ».")
            else:
                if not Decimal(0) <= average <= Decimal(20):
                    errors.append(f"Ligne {line} : la moyenne doit être comprise entre 0 et 20.")
        if missed is not None:
            if unjust > missed:
                errors.append(
                    f"Ligne {line} : {unjust} demi-journées non justifiées pour {missed} "
                    "demi-journées d'absence."
                )
            if expected == 0:
                errors.append(f"Ligne {line} : les demi-journées attendues doivent dépasser 0.")
            ceiling = expected or MAX_HALF_DAYS_IN_MONTH
            if missed > ceiling:
                errors.append(
                    f"Ligne {line} : {missed} demi-journées d'absence pour {ceiling} possibles."
                )
        if ine and month is not None:
            key = (ine, month)
            if key in seen:
                errors.append(
                    f"Ligne {line} : {ine} pour {month:%m/%Y} figure déjà ligne {seen[key]}."
                )
            seen[key] = line
        if len(errors) == before:
            rows.append(
                {
                    "line": line,
                    "ine": ine,
                    "month": month,
                    "missed": missed,
                    "unjust": unjust,
                    "incidents": incidents,
                    "average": average,
                    "expected": expected,
                }
            )
    if not rows and not errors:
        errors.append("Le fichier ne contient aucune ligne de données.")
    return rows, errors, table.profile.name


def run_upload(job, raw: bytes, user) -> str:
    """The background import of a school's upload (jobs.uploads): its pupils only."""
    from .perms import writable_schools

    try:
        result = import_absences(raw, school_ids=writable_schools(user))
    except ImportRejected as exc:
        raise UploadRejected(line_errors(exc.errors)) from exc
    flags = (
        f"{result.flags} signaux actifs." if result.flags > 1 else f"{result.flags} signal actif."
    )
    return (
        f"{result.rows} ligne(s) importée(s) ({result.created} nouvelle(s), "
        f"{result.updated} remplacée(s)) ; {flags} Profil de colonnes : « {result.profile} »."
    )


def import_absences(raw: bytes, *, school_ids=None) -> ImportResult:
    """Validate everything, then upsert on (pupil, month) in one transaction and recompute
    the flags of the schools touched. `school_ids` limits the pupils accepted (None: any).

    Raises ImportRejected with every error, line by line; nothing is written then.
    """
    rows, errors, profile = parse_table(raw)
    students = {}
    ines = sorted({r["ine"] for r in rows})
    qs = Student.objects.filter(current_school__isnull=False)
    if school_ids is not None:
        qs = qs.filter(current_school_id__in=school_ids)
    for start in range(0, len(ines), BATCH):
        for pk, ine, school_id in qs.filter(ine__in=ines[start : start + BATCH]).values_list(
            "id", "ine", "current_school_id"
        ):
            students[ine] = (pk, school_id)
    for r in rows:
        if r["ine"] not in students:
            where = "dans votre établissement" if school_ids is not None else "dans la base"
            errors.append(f"Ligne {r['line']} : aucun élève d'INE {r['ine']} {where}.")
    if errors:
        errors.sort(
            key=lambda e: int(re.match(r"Ligne (\d+)", e).group(1)) if e.startswith("Ligne") else 0
        )
        raise ImportRejected(errors)
    result = ImportResult(rows=len(rows), profile=profile)
    now = timezone.now()
    objs = []
    for r in rows:
        pk, school_id = students[r["ine"]]
        result.schools.add(school_id)
        objs.append(
            AbsenceRecord(
                student_id=pk,
                school_id=school_id,
                month=r["month"],
                half_days_missed=r["missed"],
                half_days_unjustified=r["unjust"],
                incidents=r["incidents"],
                term_average=r["average"],
                expected_half_days=r["expected"],
                imported_at=now,
            )
        )
    with transaction.atomic():
        keys = {(o.student_id, o.month) for o in objs}
        months = {o.month for o in objs}
        pks = sorted({o.student_id for o in objs})
        existing = 0
        for start in range(0, len(pks), BATCH):
            found = AbsenceRecord.objects.filter(
                student_id__in=pks[start : start + BATCH], month__in=months
            ).values_list("student_id", "month")
            existing += sum(1 for key in found if key in keys)
        for start in range(0, len(objs), BATCH):
            AbsenceRecord.objects.bulk_create(
                objs[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["student", "month"],
                update_fields=[
                    "school",
                    "half_days_missed",
                    "half_days_unjustified",
                    "incidents",
                    "term_average",
                    "expected_half_days",
                    "imported_at",
                ],
            )
        result.updated = existing
        result.created = len(objs) - result.updated
        result.flags = compute_flags(school_ids=result.schools)
    return result
