"""Intake of SIECLE exports: pupils (with newcomers, leavers, classes) and representatives.

All or nothing for one intake (the files uploaded together): every file is checked (kind,
school, well-formed XML, each pupil's fields), and a single error stores nothing. Pupils are
found by INE, else by SIECLE's ELEVE_ID in the school (newcomers whose INE is pending); when
a later export brings the INE, the same pupil gets it (history kept, no duplicate). Exits close
the year's enrolment with their motif; a leaver without a diploma whose motif is an
interruption or an end of studies without activity becomes an `ExitSignal`.
"""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from imports.reports import ImportReport
from imports.sources import ImportFileError
from territories.models import Etablissement

from . import rules, siecle
from .imports import (
    BATCH_SIZE,
    LEVEL_DEFAULT_VOIE,
    PupilRow,
    _PostgresWriter,
    _Writer,
    history_params,
    history_sql,
)
from .models import (
    RELATIONSHIP_LABELS,
    Enrolment,
    ExitSignal,
    LegalRepresentative,
    SiecleIdentity,
)
from .rules import school_year_of

CHANGE_REASON = "Import SIECLE"
# What a SIECLE pupil carries, in the pupil import's column names (no contact details: the
# representatives file holds them).
SIECLE_COLUMNS = {
    "MEF",
    "DIVISION",
    "VOIE",
    "DATE_ENTREE",
    "ELEVE_ID",
    "DATE_SORTIE",
    "MOTIF_SORTIE",
}


class _Rejected(Exception):
    pass


def _row(pupil, school) -> PupilRow:
    return PupilRow(
        line=pupil.line,
        ine=pupil.ine,
        last_name=pupil.last_name,
        first_name=pupil.first_name,
        birth_date=pupil.birth_date,
        sex=pupil.sex,
        school_id=school.pk,
        level=pupil.level,
        voie="apprentissage" if pupil.apprentice else LEVEL_DEFAULT_VOIE.get(pupil.level, ""),
        mef=pupil.mef,
        division=pupil.division,
        entry_date=pupil.entry_date,
        email="",
        phone="",
        address="",
        representatives=(),
        eleve_id=pupil.eleve_id,
        exit_date=pupil.exit_date,
        motif_code=pupil.motif_code if pupil.exit_date else "",
    )


def import_siecle(
    uploads,
    *,
    allowed_school_ids: set[int] | None = None,
    user=None,
    today: dt.date | None = None,
    progress=None,
    writer: str | None = None,
) -> ImportReport:
    """Import SIECLE exports (`imports.sources.Upload` objects of kind xml, any order).
    `writer="orm"` forces the portable writer on PostgreSQL (the tests compare both)."""
    today = today or timezone.localdate()
    report = ImportReport(encoding="XML")
    try:
        files = _check_files(uploads, allowed_school_ids, report)
    except ImportFileError as exc:
        report.add_error(0, "", str(exc))
        return report
    if report.is_rejected:
        return report
    try:
        with transaction.atomic():
            _Intake(
                files=files,
                user=user,
                today=today,
                report=report,
                progress=progress,
                writer=writer,
            ).run()
            if report.is_rejected:
                raise _Rejected
    except _Rejected:
        pass
    except ImportFileError as exc:
        report.add_error(0, "", str(exc))
    return report


def _check_files(uploads, allowed_school_ids, report):
    files = []
    for upload in uploads:
        if upload.kind != "xml":
            raise ImportFileError(
                f"« {upload.name} » n'est pas un export SIECLE XML : les exports SIECLE se "
                "déposent ensemble, sans fichier CSV."
            )
        params = siecle.read_parameters(upload.stream, name=upload.name)
        files.append((params, upload))
    kinds = [p.kind for p, _ in files]
    for kind in set(kinds):
        if kinds.count(kind) > 1:
            raise ImportFileError(
                f"Deux exports « {siecle.KIND_LABELS[kind]} » déposés ensemble : "
                "déposez-en un seul."
            )
    schools = {
        s.uai: s
        for s in Etablissement.objects.filter(
            uai__in=[p.uai for p, _ in files if p.kind != siecle.NOMENCLATURE]
        ).select_related("departement")
    }
    for params, _ in files:
        if params.kind == siecle.NOMENCLATURE:
            continue
        school = schools.get(params.uai)
        if not params.uai:
            raise ImportFileError(f"« {params.name} » ne dit pas son établissement (UAJ vide).")
        if school is None:
            raise ImportFileError(
                f"« {params.name} » est l'export de l'établissement {params.uai}, inconnu ici."
            )
        if allowed_school_ids is not None and school.pk not in allowed_school_ids:
            raise ImportFileError(
                f"« {params.name} » est l'export d'un autre établissement ({params.uai}) : "
                "vous ne pouvez importer que les élèves de votre établissement."
            )
        params.school = school
    uais = {p.uai for p, _ in files if p.kind != siecle.NOMENCLATURE}
    if len(uais) > 1:
        raise ImportFileError(
            "Les fichiers déposés ensemble viennent de plusieurs établissements ("
            + ", ".join(sorted(uais))
            + ") : déposez ceux d'un établissement à la fois."
        )
    if not uais:
        raise ImportFileError(
            "Seule la nomenclature a été déposée : joignez l'export des élèves "
            "(ElevesSansAdresses ou ElevesAvecAdresses)."
        )
    files.sort(key=lambda item: siecle.KIND_ORDER[item[0].kind])
    return files


class _Intake:
    def __init__(self, *, files, user, today, report, progress, writer=None):
        self.files = files
        self.writer = writer
        self.user = user
        self.today = today
        self.report = report
        self.progress = progress
        self.formations: dict[str, str] = {}
        self.motif_labels: dict[str, str] = {}
        self.history = {"default_user": user, "default_change_reason": CHANGE_REASON}

    def run(self):
        for params, upload in self.files:
            if params.kind == siecle.NOMENCLATURE:
                self.formations, self.motif_labels = siecle.read_nomenclature(upload.stream)
            elif params.kind == siecle.ELEVES:
                self._pupils(params, upload)
            elif params.kind == siecle.RESPONSABLES:
                self._representatives(params, upload)
            if self.report.is_rejected:
                return

    # --- Pupils ----------------------------------------------------------------------------

    def _pupils(self, params, upload):
        school = params.school
        current_year = school_year_of(self.today)
        school_year = params.school_year or current_year
        if school_year != current_year:
            self.report.warn(
                f"L'export des élèves est celui de l'année {school_year}-{school_year + 1}, pas "
                f"de l'année en cours ({current_year}-{current_year + 1}) : les inscriptions "
                f"sont enregistrées en {school_year}-{school_year + 1}."
            )
        divisions = siecle.read_divisions(upload.stream)
        # Validated pupils go to the pupil import's writers in batches: set-based on
        # PostgreSQL (COPY into a staging table, then INSERT … ON CONFLICT), the ORM
        # elsewhere or with `writer="orm"`; a file with an error is rolled back whole.
        use_sql = connection.vendor == "postgresql" and self.writer != "orm"
        writer = (_PostgresWriter if use_sql else _Writer)(
            user=self.user,
            school_year=school_year,
            today=self.today,
            columns=SIECLE_COLUMNS,
            report=self.report,
            source=params.label,
            change_reason=CHANGE_REASON,
            motif_labels=self.motif_labels,
        )
        batch, count = [], 0
        for pupil in siecle.iter_pupils(
            upload.stream, divisions=divisions, formations=self.formations, report=self.report
        ):
            count += 1
            if self.report.is_rejected:
                continue
            batch.append(_row(pupil, school))
            if len(batch) >= BATCH_SIZE:
                writer.write(batch)
                batch = []
                if self.progress:
                    self.progress("validation", self.report.rows + count)
        self.report.rows += count + self.report.error_count
        if self.progress:
            self.progress("validation", self.report.rows)
        if not count and not self.report.is_rejected:
            self.report.add_error(0, "", f"« {params.name} » ne contient aucun élève.")
        if self.report.is_rejected:
            return
        if self.progress:
            self.progress("ecriture", 0)
        if batch:
            writer.write(batch)
        writer.finish()
        if writer.pending_count:
            self.report.warn(
                f"{writer.pending_count} élève(s) sans INE (nouveaux arrivants) : importés avec "
                "la mention « INE en attente », ils seront complétés par un prochain export."
            )
        if self.progress:
            self.progress("ecriture", self.report.rows)

    # --- Representatives -------------------------------------------------------------------

    def _representatives(self, params, upload):
        """Persons linked to the pupils the school's SIECLE ids point to. For each pupil, a
        link updates the representative with the same SIECLE person id, else the one with the
        same name (regardless of case), else adds one; the same person twice for one pupil
        keeps the first link. SIECLE is the reference for the persons it sent before: those
        it no longer links to the pupil are removed; persons entered by hand stay."""
        links = siecle.iter_representatives(upload.stream, report=self.report)
        if self._set_based():
            counts = _SqlRepresentatives(self, params).write(links)
        else:
            counts = self._representatives_orm(params, list(links))
        if counts is not None:
            created, changed, stale = counts
            self.report.warn(
                f"Responsables : {created} ajouté(s), {changed} mis à jour, {stale} retiré(s)."
            )

    def _set_based(self) -> bool:
        return connection.vendor == "postgresql" and self.writer != "orm"

    def _no_pupil_known(self, params):
        self.report.add_error(
            0,
            "",
            f"« {params.name} » : aucun de ces responsables n'est lié à un élève connu de "
            "l'établissement. Importez d'abord l'export des élèves (ou déposez les deux "
            "fichiers ensemble).",
        )

    def _unknown_pupils(self, unknown: int):
        if unknown:
            self.report.warn(
                f"{unknown} lien(s) responsable vers des élèves absents de l'application : ignorés."
            )

    def _representatives_orm(self, params, links) -> tuple[int, int, int] | None:
        school = params.school
        if self.report.is_rejected:
            return None
        identities = dict(
            SiecleIdentity.objects.filter(
                school=school, eleve_id__in={link.eleve_id for link in links}
            ).values_list("eleve_id", "student_id")
        )
        if not identities:
            self._no_pupil_known(params)
            return None
        self._unknown_pupils(sum(1 for link in links if link.eleve_id not in identities))
        by_student: dict[int, list] = {}
        for link in links:
            if link.eleve_id in identities:
                by_student.setdefault(identities[link.eleve_id], []).append(link)
        existing: dict[int, list[LegalRepresentative]] = {}
        for rep in LegalRepresentative.objects.filter(student_id__in=list(by_student)):
            existing.setdefault(rep.student_id, []).append(rep)
        created, changed, stale = [], {}, []
        for student_id, student_links in by_student.items():
            reps = existing.get(student_id, [])
            by_person = {r.siecle_person_id: r for r in reps if r.siecle_person_id}
            by_name = {(r.last_name.casefold(), r.first_name.casefold()): r for r in reps}
            kept, names = set(), set()
            for link in student_links:
                name = (link.last_name.casefold(), link.first_name.casefold())
                if name in names:
                    continue  # the same person twice for one pupil: keep the first link
                names.add(name)
                values = _representative_values(link)
                rep = by_person.get(link.person_id) or by_name.get(name)
                if rep is None:
                    created.append(LegalRepresentative(student_id=student_id, **values))
                    continue
                kept.add(rep.pk)
                if any(getattr(rep, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(rep, key, value)
                    changed[rep.pk] = rep
            stale += [r.pk for r in reps if r.siecle_person_id and r.pk not in kept]
        if stale:
            for rep in LegalRepresentative.objects.filter(pk__in=stale):
                rep._change_reason = CHANGE_REASON
                rep._history_user = self.user
                rep.delete()
        if changed:
            bulk_update_with_history(
                list(changed.values()),
                LegalRepresentative,
                list(REPRESENTATIVE_FIELDS),
                batch_size=500,
                **self.history,
            )
        if created:
            bulk_create_with_history(created, LegalRepresentative, batch_size=500, **self.history)
        return len(created), len(changed), len(stale)


REPRESENTATIVE_FIELDS = (
    "last_name",
    "first_name",
    "relationship",
    "relationship_code",
    "responsibility_level",
    "is_priority_contact",
    "siecle_person_id",
    "phone",
    "email",
    "address",
)


def _representative_values(link) -> dict:
    return {
        "last_name": link.last_name,
        "first_name": link.first_name,
        "relationship": RELATIONSHIP_LABELS.get(link.relationship_code, ""),
        "relationship_code": link.relationship_code,
        "responsibility_level": link.level,
        "is_priority_contact": link.priority,
        "siecle_person_id": link.person_id,
        "phone": link.phone,
        "email": link.email,
        "address": link.address,
    }


class _SqlRepresentatives:
    """The representatives of `_Intake._representatives`, set-based on PostgreSQL: the links
    are streamed by COPY into a staging table, joined there to the pupils by their SIECLE id,
    then a few statements delete, update and insert the representatives with their history
    rows — a number of queries that does not grow with the file.

    Names are compared as Python casefolds them, as the ORM path does: the keys of the links
    are computed before COPY, those of the stored representatives (the school's, read once)
    are sent back by a second COPY, so the database's collation plays no part."""

    LINKS = "siecle_link_stage"
    KEPT = "siecle_link_kept"
    KEYS = "siecle_rep_keys"
    COLUMNS = (
        ("ord", "integer"),
        ("eleve_id", "text"),
        ("last_key", "text"),
        ("first_key", "text"),
        ("last_name", "text"),
        ("first_name", "text"),
        ("relationship", "text"),
        ("relationship_code", "text"),
        ("responsibility_level", "smallint"),
        ("is_priority_contact", "boolean"),
        ("siecle_person_id", "text"),
        ("phone", "text"),
        ("email", "text"),
        ("address", "text"),
    )

    def __init__(self, intake: _Intake, params):
        self.intake = intake
        self.params = params
        self.report = intake.report
        self.sql_params = {
            **history_params(intake.user, CHANGE_REASON),
            "school": params.school.pk,
        }

    def write(self, links) -> tuple[int, int, int] | None:
        with connection.cursor() as cursor:
            self.cursor = cursor
            self._create_tables()
            counts = self._write(links)
            cursor.execute(f"DROP TABLE {self.LINKS}, {self.KEPT}, {self.KEYS}")
        return counts

    def _create_tables(self):
        links = ", ".join(f"{name} {kind}" for name, kind in self.COLUMNS)
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.LINKS}, {self.KEPT}, {self.KEYS}")
        self.cursor.execute(f"CREATE TEMPORARY TABLE {self.LINKS} ({links}) ON COMMIT DROP")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.KEPT} (student_id bigint, rep_id bigint, {links}) "
            "ON COMMIT DROP"
        )
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE {self.KEYS} (id bigint, student_id bigint, last_key text, "
            "first_key text, siecle_person_id text) ON COMMIT DROP"
        )

    def _run(self, sql):
        self.cursor.execute(sql, self.sql_params)
        return self.cursor.fetchone()

    def _write(self, links) -> tuple[int, int, int] | None:
        names = ", ".join(name for name, _ in self.COLUMNS)
        with self.cursor.cursor.copy(f"COPY {self.LINKS} ({names}) FROM STDIN") as copy:
            for number, link in enumerate(links):
                values = _representative_values(link)
                copy.write_row(
                    (
                        number,
                        link.eleve_id,
                        link.last_name.casefold(),
                        link.first_name.casefold(),
                        *(values[name] for name, _ in self.COLUMNS[4:]),
                    )
                )
        if self.report.is_rejected:
            return None
        identities = SiecleIdentity._meta.db_table
        unknown, known = self._run(
            f"""
            SELECT count(*) FILTER (WHERE i.student_id IS NULL), count(i.student_id)
            FROM {self.LINKS} s
            LEFT JOIN {identities} i ON i.school_id = %(school)s AND i.eleve_id = s.eleve_id
            """
        )
        if not known:
            self.intake._no_pupil_known(self.params)
            return None
        self.intake._unknown_pupils(unknown)
        # The same person twice for one pupil: the first link is kept.
        self.cursor.execute(
            f"""
            INSERT INTO {self.KEPT} (student_id, {names})
            SELECT DISTINCT ON (i.student_id, s.last_key, s.first_key) i.student_id,
                   {", ".join(f"s.{name}" for name, _ in self.COLUMNS)}
            FROM {self.LINKS} s
            JOIN {identities} i ON i.school_id = %(school)s AND i.eleve_id = s.eleve_id
            ORDER BY i.student_id, s.last_key, s.first_key, s.ord
            """,
            self.sql_params,
        )
        self._stored_keys()
        self.cursor.execute(f"ANALYZE {self.KEPT}, {self.KEYS}")
        # A link updates the representative with its SIECLE person id, else the one with its
        # name (the last stored of either, as the ORM path's lookups find them).
        self.cursor.execute(
            f"""
            UPDATE {self.KEPT} l SET rep_id = COALESCE(
                (SELECT max(k.id) FROM {self.KEYS} k
                 WHERE k.student_id = l.student_id AND k.siecle_person_id <> ''
                   AND k.siecle_person_id = l.siecle_person_id),
                (SELECT max(k.id) FROM {self.KEYS} k
                 WHERE k.student_id = l.student_id AND k.last_key = l.last_key
                   AND k.first_key = l.first_key)
            )
            """
        )
        (stale,) = self._run(self._delete_sql())
        (changed,) = self._run(self._update_sql())
        (created,) = self._run(self._insert_sql())
        return created, changed, stale

    def _stored_keys(self):
        """The name keys of the pupils' stored representatives, casefolded here."""
        table = LegalRepresentative._meta.db_table
        self.cursor.execute(
            f"""
            SELECT r.id, r.student_id, r.last_name, r.first_name, r.siecle_person_id
            FROM {table} r
            WHERE r.student_id IN (SELECT DISTINCT student_id FROM {self.KEPT})
            """
        )
        stored = self.cursor.fetchall()
        if stored:
            with self.cursor.cursor.copy(f"COPY {self.KEYS} FROM STDIN") as copy:
                for rep_id, student_id, last_name, first_name, person_id in stored:
                    copy.write_row(
                        (rep_id, student_id, last_name.casefold(), first_name.casefold(), person_id)
                    )
        self.cursor.execute(f"CREATE INDEX ON {self.KEYS} (student_id)")

    @staticmethod
    def _historised(name: str, change: str, statement: str) -> str:
        """`statement` (a DELETE, UPDATE or INSERT … RETURNING the whole rows) as the CTE
        `name`, each row it returns written to the history as `change`; counts them."""
        columns, values = history_sql(LegalRepresentative, name, change)
        history = LegalRepresentative.history.model._meta.db_table
        return f"""
            WITH {name} AS ({statement}), hist AS (
                INSERT INTO {history} ({columns}) SELECT {values} FROM {name} RETURNING 1
            )
            SELECT count(*) FROM hist
        """

    def _delete_sql(self) -> str:
        table = LegalRepresentative._meta.db_table
        return self._historised(
            "gone",
            "'-'",
            f"""
                DELETE FROM {table} r USING {self.KEYS} k
                WHERE r.id = k.id AND k.siecle_person_id <> ''
                  AND NOT EXISTS (SELECT 1 FROM {self.KEPT} l WHERE l.rep_id = k.id)
                RETURNING r.*
            """,
        )

    def _update_sql(self) -> str:
        table = LegalRepresentative._meta.db_table
        fields = REPRESENTATIVE_FIELDS
        # A representative matched by two links gets the later one, as in the ORM.
        return self._historised(
            "upd",
            "'~'",
            f"""
                WITH src AS (
                    SELECT DISTINCT ON (rep_id) * FROM {self.KEPT}
                    WHERE rep_id IS NOT NULL ORDER BY rep_id, ord DESC
                )
                UPDATE {table} r SET {", ".join(f"{f} = src.{f}" for f in fields)}
                FROM src
                WHERE r.id = src.rep_id
                  AND ({", ".join(f"r.{f}" for f in fields)})
                      IS DISTINCT FROM ({", ".join(f"src.{f}" for f in fields)})
                RETURNING r.*
            """,
        )

    def _insert_sql(self) -> str:
        table = LegalRepresentative._meta.db_table
        fields = ", ".join(REPRESENTATIVE_FIELDS)
        return self._historised(
            "ins",
            "'+'",
            f"""
                INSERT INTO {table} (student_id, {fields})
                SELECT student_id, {fields} FROM {self.KEPT}
                WHERE rep_id IS NULL ORDER BY ord
                RETURNING *
            """,
        )


def merge_placeholders(merges) -> None:
    """A newcomer imported without INE turns out to be a pupil already known by his INE
    (arrived from another school): his records move to that pupil, the placeholder goes."""
    for placeholder, target in merges:
        taken = set(
            Enrolment.objects.filter(student=target).values_list("school_id", "school_year")
        )
        for enrolment in Enrolment.objects.filter(student=placeholder):
            if (enrolment.school_id, enrolment.school_year) in taken:
                enrolment.delete()
            else:
                enrolment.student = target
                enrolment._change_reason = CHANGE_REASON
                enrolment.save(update_fields=["student"])
        names = {
            (r.last_name.casefold(), r.first_name.casefold())
            for r in LegalRepresentative.objects.filter(student=target)
        }
        for rep in LegalRepresentative.objects.filter(student=placeholder):
            if (rep.last_name.casefold(), rep.first_name.casefold()) not in names:
                rep.student = target
                rep.save(update_fields=["student"])
        ExitSignal.objects.filter(student=placeholder).update(student=target)
        SiecleIdentity.objects.filter(student=placeholder).update(student=target)
        placeholder._change_reason = "Fusion : INE reçu de SIECLE"
        placeholder.delete()


def exit_motif_label(code: str, labels: dict | None = None) -> str:
    if code in siecle.EXIT_MOTIFS:
        return siecle.EXIT_MOTIFS[code][0]
    return (labels or {}).get(code) or f"Motif {code or 'non précisé'}"


def raise_exit_signals(leavers, *, today, report, motif_label=exit_motif_label) -> list:
    """The dropout signals of leavers `(student, enrolment, school, exit date, motif code,
    source)`: a motif of interruption or end of studies without activity, no diploma held,
    under the MLDS end age; under 16 an instruction-obligation alert, else the MLDS list.
    One signal per enrolment (a re-import raises nothing new)."""
    from .hooks import held_diplomas

    candidates = [item for item in leavers if siecle.EXIT_MOTIFS.get(item[4], ("", "", False))[2]]
    if not candidates:
        return []
    already = set(
        ExitSignal.objects.filter(enrolment__in=[item[1] for item in candidates]).values_list(
            "enrolment_id", flat=True
        )
    )
    end_age = rules.MLDS_END_AGE()
    signals = []
    for student, enrolment, school, exit_date, motif_code, source in candidates:
        if enrolment.pk in already or held_diplomas(student):
            continue
        age = student.age_on(today)
        if age >= end_age:
            continue
        kind = (
            ExitSignal.Kind.INSTRUCTION
            if age < rules.COMPULSORY_INSTRUCTION_END_AGE
            else ExitSignal.Kind.MLDS
        )
        signals.append(
            ExitSignal(
                student=student,
                enrolment=enrolment,
                school=school,
                departement_id=school.departement_id,
                kind=kind,
                exit_date=exit_date,
                motif_code=motif_code,
                motif_label=motif_label(motif_code)[:120],
                source=source[:200],
            )
        )
    ExitSignal.objects.bulk_create(signals)
    if signals:
        report.warn(
            f"{len(signals)} sortie(s) sans solution signalée(s) : "
            + ", ".join(f"{s.student} ({s.get_kind_display().split(' (')[0]})" for s in signals[:5])
            + (" …" if len(signals) > 5 else "")
            + "."
        )
    return signals
