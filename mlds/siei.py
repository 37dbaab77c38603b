"""Import of a SIEI / RIO list: one young person per row, duplicates recognised, all or nothing.

The file is read through the first active column profile of kind "siei"
(`imports.profiles`, editable in the admin). Fields: numero_siei, ine, nom, prenom,
date_naissance, sexe, uai_dernier_etablissement, formation, date_sortie, telephone, courriel,
adresse. Only nom, prenom and date_naissance are required.

A young person is the same as a known one when the SIEI internal number matches (the natural
key across monthly lists), else when the INE matches, or, without INE, when the normalised
last name, first name and birth date match. Unknown young people are created
without a school. A young person already followed keeps the open follow-up (a line is added
to its history); the others get a new follow-up at the step "Signalé".
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from jobs.uploads import UploadRejected, line_errors
from notifications.services import sync_deadlines_many
from students.models import Student
from students.validators import ine_format, normalize_ine
from territories.models import Etablissement
from territories.validators import normalize_uai

from . import conf, rules
from .enums import FollowUpSource, FollowUpStatus
from .identity import identity_key
from .models import FollowUp, FollowUpLog, SieiImport, SieiNumber

COLUMNS = [
    "numero_siei",
    "ine",
    "nom",
    "prenom",
    "date_naissance",
    "sexe",
    "uai_dernier_etablissement",
    "formation",
    "date_sortie",
    "telephone",
    "courriel",
    "adresse",
]
MAX_ERRORS_SHOWN = 50
CHUNK = 5000


class SieiImportError(Exception):
    """The file is refused as a whole; `errors` lists the French reasons, row by row."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Row:
    line: int
    ine: str | None
    last_name: str
    first_name: str
    birth_date: dt.date
    sex: str
    uai: str
    training: str
    left_on: dt.date | None
    phone: str
    email: str
    address: str
    siei_number: str = ""
    key: tuple = field(default=())
    student_id: int | None = None


def _read(raw: bytes):
    """The file through the first SIEI profile that recognises it (`imports.profiles`)."""
    from imports.profiles import SIEI, read_table
    from imports.sources import ImportFileError

    try:
        return read_table(raw, SIEI)
    except ImportFileError as exc:
        raise SieiImportError([str(exc)]) from exc


def parse(raw: bytes, *, today: dt.date) -> tuple[list[Row], int, list[str]]:
    """Rows to import, count of duplicate rows merged, and the errors (French, by line)."""
    rows, duplicates, errors, _ = parse_table(raw, today=today)
    return rows, duplicates, errors


def parse_table(raw: bytes, *, today: dt.date) -> tuple[list[Row], int, list[str], str]:
    """As `parse`, with the name of the column profile that read the file."""
    table = _read(raw)
    index = table.index
    rows, errors = [], []
    seen: dict[tuple, Row] = {}
    duplicates = 0
    oldest = rules.birthday(today, -rules.FOLLOW_UP_END_AGE())  # born on/before: 25 or more
    youngest = rules.birthday(today, -rules.FOLLOW_UP_MIN_AGE)  # born after: under 16
    max_rows = conf.siei_max_rows()
    count = 0
    for line, cells in table.rows():
        count += 1
        if count > max_rows:
            errors.append(f"Le fichier dépasse {max_rows} lignes : découpez-le.")
            break

        def get(name, cells=cells):
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        def date_of(name):
            return table.profile.parse_date(get(name))

        problems = []
        last_name, first_name = get("nom"), get("prenom")
        if not last_name or not first_name:
            problems.append("nom et prénom obligatoires")
        try:
            birth_date = date_of("date_naissance")
            if birth_date is None:
                problems.append("date de naissance obligatoire")
        except ValueError:
            birth_date = None
            problems.append(
                f"date de naissance « {get('date_naissance')} » illisible ("
                + " ou ".join(table.profile.date_formats)
                + ")"
            )
        ine = normalize_ine(get("ine")) or None
        if ine and ine_format(ine) is None:
            problems.append(f"INE « {get('ine')} » invalide (11 caractères)")
        siei_number = get("numero_siei").replace(" ", "")
        if len(siei_number) > 40:
            problems.append(f"numéro SIEI « {siei_number} » trop long (40 caractères au plus)")
        sex = get("sexe").upper()[:1]
        if sex and sex not in ("F", "M"):
            problems.append(f"sexe « {get('sexe')} » inconnu (F ou M)")
        try:
            left_on = date_of("date_sortie")
        except ValueError:
            left_on = None
            problems.append(f"date de sortie « {get('date_sortie')} » illisible")
        if birth_date and not problems:
            age = rules.age_on(birth_date, today)
            if birth_date <= oldest or birth_date > youngest:
                problems.append(f"{age} ans : hors du public MLDS (16 à 24 ans)")
        if problems:
            errors.append(f"Ligne {line} : " + " ; ".join(problems) + ".")
            continue
        row = Row(
            line=line,
            ine=ine,
            last_name=last_name,
            first_name=first_name,
            birth_date=birth_date,
            sex=sex,
            uai=normalize_uai(get("uai_dernier_etablissement")),
            training=get("formation")[:200],
            left_on=left_on,
            phone=get("telephone")[:30],
            email=get("courriel")[:254],
            address=get("adresse")[:250],
            siei_number=siei_number,
            key=identity_key(last_name, first_name, birth_date),
        )
        same_number = seen.get(("siei", siei_number)) if siei_number else None
        previous = same_number or (seen.get(("ine", ine)) if ine else None)
        previous = previous or seen.get(row.key)
        if previous is not None:
            if same_number is None and (
                (previous.siei_number and siei_number and previous.siei_number != siei_number)
                or (previous.ine and ine and previous.ine != ine)
            ):
                pass  # same names and birth date, two INE or two SIEI numbers: two people
            elif previous.birth_date != birth_date:
                same = "numéro SIEI" if same_number is not None else "INE"
                errors.append(
                    f"Ligne {line} : même {same} que la ligne {previous.line} mais date de "
                    "naissance différente."
                )
                continue
            else:
                duplicates += 1
                continue
        if siei_number:
            seen[("siei", siei_number)] = row
        if ine:
            seen[("ine", ine)] = row
        seen.setdefault(row.key, row)
        rows.append(row)
    return rows, duplicates, errors, table.profile.name


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _match_students(rows: list[Row]) -> tuple[list[str], list[Student]]:
    """Set `student_id` on rows of known young people; return errors and INE fills.

    The SIEI number is the natural key across monthly lists: a number already seen names the
    same young person, whatever the spelling of the names this month."""
    errors = []
    fills = []
    by_number = {}
    for chunk in _chunks({r.siei_number for r in rows if r.siei_number}):
        for number, sid, ine, birth in SieiNumber.objects.filter(number__in=chunk).values_list(
            "number", "student_id", "student__ine", "student__birth_date"
        ):
            by_number[number] = (sid, ine, birth)
    unnumbered = []
    for row in rows:
        known = by_number.get(row.siei_number) if row.siei_number else None
        if known is None:
            unnumbered.append(row)
            continue
        sid, ine, birth = known
        if birth != row.birth_date:
            errors.append(
                f"Ligne {row.line} : le numéro SIEI {row.siei_number} est déjà connu avec une "
                f"autre date de naissance ({birth:%d/%m/%Y})."
            )
        elif row.ine and ine and row.ine != ine:
            errors.append(
                f"Ligne {row.line} : le numéro SIEI {row.siei_number} est déjà celui d'un jeune "
                f"d'un autre INE ({ine})."
            )
        elif row.ine and not ine:
            fills.append(Student(pk=sid, ine=row.ine))
        row.student_id = sid
    rows = unnumbered
    by_ine = {}
    for chunk in _chunks({r.ine for r in rows if r.ine}):
        for sid, ine, birth in Student.objects.filter(ine__in=chunk).values_list(
            "id", "ine", "birth_date"
        ):
            by_ine[ine] = (sid, birth)
    pending = []
    for row in rows:
        if row.ine and row.ine in by_ine:
            sid, birth = by_ine[row.ine]
            if birth != row.birth_date:
                errors.append(
                    f"Ligne {row.line} : l'INE {row.ine} est déjà connu avec une autre date "
                    f"de naissance ({birth:%d/%m/%Y})."
                )
            row.student_id = sid
        else:
            pending.append(row)
    by_key: dict[tuple, tuple[int, str | None]] = {}
    for chunk in _chunks({r.birth_date for r in pending}, 500):
        for sid, ine, last, first, birth in Student.objects.filter(
            birth_date__in=chunk
        ).values_list("id", "ine", "last_name", "first_name", "birth_date"):
            by_key.setdefault(identity_key(last, first, birth), (sid, ine))
    for row in pending:
        found = by_key.get(row.key)
        if found is None:
            continue
        sid, ine = found
        if row.ine and ine and ine != row.ine:
            continue  # a namesake born the same day with another INE
        row.student_id = sid
        if row.ine and not ine:
            fills.append(Student(pk=sid, ine=row.ine))
    return errors, fills


def run_upload(job, raw: bytes, user) -> str:
    """The background import of a coordinator's upload (jobs.uploads) for her département."""
    try:
        batch = import_siei(raw=raw, departement=job.departement, by=user, file_name=job.filename)
    except SieiImportError as exc:
        raise UploadRejected(line_errors(exc.errors)) from exc
    return (
        f"{batch.created_follow_ups} suivi(s) ouvert(s), {batch.already_followed} jeune(s) "
        f"déjà suivi(s), {batch.created_students} jeune(s) inconnu(s) créé(s), "
        f"{batch.duplicate_rows} doublon(s) dans le fichier (profil de colonnes "
        f"« {batch.profile} »)."
    )


def import_siei(
    *, raw: bytes, departement, by, file_name: str, today: dt.date | None = None
) -> SieiImport:
    """Import a SIEI / RIO list for `departement`. Raises SieiImportError, writing nothing."""
    today = today or timezone.localdate()
    checksum = hashlib.sha256(raw).hexdigest()
    previous = SieiImport.objects.filter(departement=departement, checksum=checksum).first()
    if previous is not None:
        return previous  # the same file again: nothing new to do
    rows, duplicates, errors, profile = parse_table(raw, today=today)
    if not errors and not rows:
        errors = ["Aucune ligne à importer."]
    if errors:
        raise SieiImportError(errors[:MAX_ERRORS_SHOWN] + _more(errors))
    match_errors, fills = _match_students(rows)
    if match_errors:
        raise SieiImportError(match_errors[:MAX_ERRORS_SHOWN] + _more(match_errors))
    schools = {}
    for chunk in _chunks({r.uai for r in rows if r.uai}):
        schools.update(Etablissement.objects.filter(uai__in=chunk).values_list("uai", "id"))
    by_user = by if getattr(by, "pk", None) else None
    try:
        with transaction.atomic():
            batch = SieiImport.objects.create(
                departement=departement,
                file_name=file_name[:250],
                checksum=checksum,
                imported_by=by_user,
                row_count=len(rows) + duplicates,
                duplicate_rows=duplicates,
                profile=profile[:100],
            )
            _write(batch, rows, fills, schools, today=today, by=by_user)
    except IntegrityError as exc:
        raise SieiImportError(
            ["Un autre import ou signalement des mêmes jeunes est en cours : réessayez."]
        ) from exc
    return batch


def _more(errors):
    extra = len(errors) - MAX_ERRORS_SHOWN
    return [f"… et {extra} autres erreurs."] if extra > 0 else []


def _write(batch, rows, fills, schools, *, today, by):
    if fills:
        Student.objects.bulk_update(fills, ["ine"], batch_size=CHUNK)
    new_rows = [r for r in rows if r.student_id is None]
    created = bulk_create_with_history(
        [
            Student(
                ine=r.ine,
                last_name=r.last_name,
                first_name=r.first_name,
                birth_date=r.birth_date,
                sex=r.sex,
                phone=r.phone,
                email=r.email if "@" in r.email else "",
                address=r.address,
            )
            for r in new_rows
        ],
        Student,
        batch_size=CHUNK,
        default_user=by,
        default_change_reason=f"Import SIEI {batch.file_name}",
    )
    for row, student in zip(new_rows, created, strict=True):
        row.student_id = student.pk
    numbered = {r.siei_number: r.student_id for r in rows if r.siei_number}
    if numbered:
        SieiNumber.objects.bulk_create(
            [
                SieiNumber(number=number, student_id=sid, first_import=batch)
                for number, sid in numbered.items()
            ],
            batch_size=CHUNK,
            ignore_conflicts=True,
        )
    followed = set()
    for chunk in _chunks({r.student_id for r in rows}):
        followed.update(
            FollowUp.objects.open().filter(student_id__in=chunk).values_list("student_id", "id")
        )
    open_by_student = dict(followed)
    logs, new_follow_ups = [], []
    signal = f"Signalement : {FollowUpSource.SIEI.label} ({batch.file_name})"
    contact_due = today + dt.timedelta(days=conf.contact_days())
    for row in rows:
        if row.student_id in open_by_student:
            logs.append(
                FollowUpLog(
                    follow_up_id=open_by_student[row.student_id],
                    by=by,
                    from_state="",
                    to_state="",
                    comment="Nouveau s" + signal[1:],
                )
            )
            continue
        note = (
            f"UAI {row.uai} inconnue de l'application."
            if row.uai and row.uai not in schools
            else ""
        )
        new_follow_ups.append(
            FollowUp(
                student_id=row.student_id,
                departement_id=batch.departement_id,
                source=FollowUpSource.SIEI,
                status=FollowUpStatus.SIGNALE,
                last_school_id=schools.get(row.uai),
                last_training=row.training,
                left_on=row.left_on,
                signal_note=note,
                siei_import=batch,
                signaled_on=today,
                contact_due_on=contact_due,
                created_by=by,
            )
        )
    FollowUp.objects.bulk_create(new_follow_ups, batch_size=CHUNK)
    # Existing follow-ups: the log keeps their current status (filled below in SQL-free way).
    if logs:
        statuses = dict(
            FollowUp.objects.filter(id__in=[log.follow_up_id for log in logs]).values_list(
                "id", "status"
            )
        )
        for log in logs:
            log.from_state = log.to_state = statuses[log.follow_up_id]
    logs += [
        FollowUpLog(
            follow_up=fu, by=by, from_state="", to_state=FollowUpStatus.SIGNALE, comment=signal
        )
        for fu in new_follow_ups
    ]
    FollowUpLog.objects.bulk_create(logs, batch_size=CHUNK)
    _bulk_deadlines(new_follow_ups, {r.student_id: r for r in rows})
    batch.created_students = len(new_rows)
    batch.matched_students = len(rows) - len(new_rows)
    batch.created_follow_ups = len(new_follow_ups)
    batch.already_followed = len(rows) - len(new_follow_ups)
    batch.save(
        update_fields=[
            "created_students",
            "matched_students",
            "created_follow_ups",
            "already_followed",
        ]
    )


def _bulk_deadlines(follow_ups, rows_by_student):
    """The deadlines of brand-new follow-ups through the bulk entry point: each follow-up's own
    `deadline_specs()`, with its young person taken from the file (no query per row)."""
    for fu in follow_ups:
        row = rows_by_student[fu.student_id]
        fu.student = Student(
            pk=fu.student_id,
            last_name=row.last_name,
            first_name=row.first_name,
            birth_date=row.birth_date,
        )
    sync_deadlines_many(subjects=follow_ups)
