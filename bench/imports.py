"""Pupil import of a 100,000-row file against PostgreSQL COPY of the same rows.

Baseline: `COPY scratch FROM STDIN (FORMAT csv)` of the very same file into a table of text
columns (on SQLite, which has no COPY, an `executemany` INSERT of the parsed rows). Target: the
import's row rate is at least one fifth of the baseline's.

A second figure tells what the import itself costs: COPY of the same pupils, already parsed,
straight into the tables the import fills (pupils, enrolments, representatives and the history
row of each, with their indexes and constraints), in one transaction. The difference between
the two baselines is the price of storing a row as the application needs it; the difference
between the second one and the import is the price of validation and of the upsert.

Memory: the resident set size is sampled during a 20,000-row and a 100,000-row import; flat
means the larger file does not need proportionally more memory.
"""

import csv
import os
import tempfile
import threading
import time
import uuid

from django.db import connection, transaction

from students.imports import import_pupils
from students.models import Enrolment, LegalRepresentative, Student
from territories.models import Academie, Bassin, Departement, Etablissement, RegionAcademique
from territories.validators import uai_key

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
SMALL_ROWS = ROWS // 5
TARGET_RATIO = 0.2
HEADER = [
    "INE",
    "NOM",
    "PRENOM",
    "DATE_NAISS",
    "SEXE",
    "UAI",
    "MEF",
    "NIVEAU",
    "DIVISION",
    "DATE_ENTREE",
    "RL1_NOM",
    "RL1_PRENOM",
    "RL1_LIEN",
    "RL1_TEL",
    "RL1_EMAIL",
    "RL2_NOM",
    "RL2_PRENOM",
    "RL2_LIEN",
    "RL2_TEL",
]
LEVELS = ["2GT", "1G", "TG", "2PRO", "1PRO", "TPRO", "CAP1", "CAP2"]


def _schools(count=20) -> list[str]:
    region = RegionAcademique.objects.create(code="BI", name="Région banc d'essai")
    academie = Academie.objects.create(code="BA", name="Académie banc d'essai", region=region)
    dep = Departement.objects.create(code="095", name="Val-d'Oise", academie=academie)
    bassin = Bassin.objects.create(code="BENCH", name="Bassin banc d'essai", departement=dep)
    schools = []
    for n in range(count):
        digits = f"095{1000 + n:04d}"
        schools.append(
            Etablissement(
                uai=digits + uai_key(digits),
                name=f"Lycée banc {n}",
                school_type="lpo",
                commune="Versailles",
                bassin=bassin,
                departement=dep,
            )
        )
    Etablissement.objects.bulk_create(schools)
    return [s.uai for s in schools]


def write_file(path, rows, uais):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for n in range(rows):
            name = f"NOM{n % 5000}"
            writer.writerow(
                [
                    f"{300000000 + n:09d}BC",
                    name,
                    ("Léa", "Hugo", "Inès", "Adam")[n % 4],
                    f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2007 + n % 4}",
                    "MF"[n % 2],
                    uais[n % len(uais)],
                    "24725511310",
                    LEVELS[n % len(LEVELS)],
                    f"D{n % 30}",
                    "01/09/2025",
                    name,
                    "Sophie",
                    "Mère",
                    "06 11 22 33 44",
                    f"parent{n}@example.org",
                    name,
                    "Marc",
                    "Père",
                    "06 55 66 77 88",
                ]
            )


class RssSampler:
    """Peak resident memory (from /proc) above the level at start, sampled every 20 ms."""

    def __init__(self):
        self.peak = self.start = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def _rss() -> int:
        try:
            with open("/proc/self/statm") as handle:
                return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            return 0

    def _loop(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def growth_mb(self) -> float:
        return round((self.peak - self.start) / 1e6, 1)


def _wipe():
    """Empty the pupil tables of the scratch database (raw SQL: the ORM would load every row)."""
    models = [LegalRepresentative, Enrolment, Student]
    tables = [m.history.model._meta.db_table for m in models] + [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def _baseline(path) -> float:
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_copy_scratch ({columns})")
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            with (
                open(path, "rb") as handle,
                cursor.cursor.copy(
                    "COPY bench_copy_scratch FROM STDIN "
                    "WITH (FORMAT csv, DELIMITER ';', HEADER true)"
                ) as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        else:
            placeholders = ", ".join(["%s"] * len(HEADER))
            with open(path, encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle, delimiter=";")
                next(reader)
                cursor.executemany(
                    f"INSERT INTO bench_copy_scratch VALUES ({placeholders})", reader
                )
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy_scratch")
    return elapsed


def _stored_rows(path) -> dict:
    """The rows the import would store for the file, as (model, columns, tuples), prepared
    before the clock starts: ids drawn from the sequences, history rows included."""
    from django.utils import timezone

    from students.imports import LEVEL_DEFAULT_VOIE, LEVEL_LOOKUP
    from territories.imports import normalize_key, parse_date

    schools = dict(Etablissement.objects.values_list("uai", "id"))
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        lines = list(reader)
    now, year = timezone.now(), 2025

    def ids(model, n):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, n],
            )
            return [row[0] for row in cursor.fetchall()]

    student_ids = ids(Student, len(lines))
    enrolment_ids = ids(Enrolment, len(lines))
    rep_ids = iter(ids(LegalRepresentative, 2 * len(lines)))
    students, enrolments, reps = [], [], []
    for pk, epk, f in zip(student_ids, enrolment_ids, lines, strict=True):
        level = LEVEL_LOOKUP[normalize_key(f[7])]
        voie = LEVEL_DEFAULT_VOIE.get(level, "")
        school = schools[f[5]]
        students.append(
            {
                "id": pk,
                "public_id": uuid.uuid4(),
                "ine": f[0],
                "last_name": f[1],
                "first_name": f[2],
                "birth_date": parse_date(f[3]),
                "sex": f[4],
                "email": "",
                "phone": "",
                "address": "",
                "current_school_id": school,
                "level": level,
                "mef": f[6],
                "division": f[8],
                "voie": voie,
                "anonymized_at": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        enrolments.append(
            {
                "id": epk,
                "student_id": pk,
                "school_id": school,
                "school_year": year,
                "level": level,
                "division": f[8],
                "voie": voie,
                "entry_date": parse_date(f[9]),
                "exit_date": None,
                "exit_reason": "",
                "exit_motif_code": "",
                "exit_source": "",
            }
        )
        for first, rel, phone, email in ((f[11], f[12], f[13], f[14]), (f[16], f[17], f[18], "")):
            reps.append(
                {
                    "id": next(rep_ids),
                    "student_id": pk,
                    "last_name": f[10],
                    "first_name": first,
                    "relationship": rel,
                    "relationship_code": "",
                    "responsibility_level": 1,
                    "is_priority_contact": False,
                    "siecle_person_id": "",
                    "phone": phone,
                    "email": email,
                    "address": "",
                }
            )
    history = {
        "history_date": now,
        "history_change_reason": "bench",
        "history_type": "+",
        "history_user_id": None,
    }
    tables = []
    for model, rows in ((Student, students), (Enrolment, enrolments), (LegalRepresentative, reps)):
        columns = [f.attname for f in model._meta.concrete_fields]
        tables.append((model._meta.db_table, columns, [[r.get(c) for c in columns] for r in rows]))
        hist = model.history.model
        columns = [f.attname for f in hist._meta.concrete_fields if f.attname != "history_id"]
        merged = ({**r, **history} for r in rows)
        tables.append((hist._meta.db_table, columns, [[r.get(c) for c in columns] for r in merged]))
    return tables


def _stored_copy(tables) -> float:
    """COPY of the prepared rows into the application's tables, committed."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in tables:
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    return time.perf_counter() - started


def _import(path):
    with open(path, "rb") as stream, RssSampler() as memory:
        started = time.perf_counter()
        report = import_pupils(stream=stream)
        elapsed = time.perf_counter() - started
    assert not report.is_rejected, report.errors[:3]
    return elapsed, memory.growth_mb, report


def run() -> dict:
    uais = _schools()
    with tempfile.TemporaryDirectory() as tmp:
        small, big = os.path.join(tmp, "small.csv"), os.path.join(tmp, "big.csv")
        write_file(small, SMALL_ROWS, uais)
        write_file(big, ROWS, uais)

        _, small_mb, _ = _import(small)
        _wipe()
        copy_s = _baseline(big)
        stored_s = None
        if connection.vendor == "postgresql":
            stored_s = _stored_copy(_stored_rows(big))
            _wipe()
        import_s, big_mb, report = _import(big)
        reimport_s, _, again = _import(big)
        _wipe()

    copy_rate, import_rate = ROWS / copy_s, ROWS / import_s
    ratio = import_rate / copy_rate
    baseline = "COPY" if connection.vendor == "postgresql" else "INSERT executemany"
    summary = (
        f"{ROWS} lignes : import {import_s:.1f} s ({import_rate:,.0f} l/s), {baseline} "
        f"{copy_s:.2f} s ({copy_rate:,.0f} l/s), ratio 1/{1 / ratio:.1f} ; "
        + (
            f"COPY des mêmes lignes dans les tables de l'application {stored_s:.1f} s "
            f"(import ×{import_s / stored_s:.1f}) ; "
            if stored_s
            else ""
        )
        + f"mémoire +{small_mb} Mo ({SMALL_ROWS} l.) vs +{big_mb} Mo ({ROWS} l.) ; "
        f"réimport à l'identique {reimport_s:.1f} s"
    ).replace(",", " ")
    print(summary)
    return {
        "summary": summary,
        "target": f"≥ 1/{int(1 / TARGET_RATIO)} du débit de {baseline}",
        "passed": ratio >= TARGET_RATIO,
        "rows": ROWS,
        "baseline": baseline,
        "baseline_s": round(copy_s, 3),
        "import_s": round(import_s, 3),
        "copy_into_app_tables_s": round(stored_s, 3) if stored_s else None,
        "reimport_unchanged_s": round(reimport_s, 3),
        "ratio": round(ratio, 3),
        "created": report.created,
        "reimport_unchanged": again.unchanged,
        "memory_growth_mb_small": small_mb,
        "memory_growth_mb_big": big_mb,
    }
