"""SIEI / RIO list import of 50,000 rows with duplicate detection, against a raw COPY.

Data: 10,000 young people already known (half with an INE, half without, found by names and
birth date), 2,000 of them already followed; a file of 50,000 rows of which 2.5 % repeat an
earlier row (same INE, or same names and birth date written differently). Baseline: `COPY
scratch FROM STDIN (FORMAT csv)` of the very same file into a table of text columns (on
SQLite, an `executemany` INSERT). The import does everything the product does: parsing,
validation, duplicate detection in the file and against the database, young people created
with their change history, follow-ups, history rows and deadlines, in one transaction.
"""

import datetime as dt
import os
import tempfile
import time

from django.db import connection, transaction

from mlds.enums import FollowUpSource, FollowUpStatus
from mlds.models import FollowUp, FollowUpLog, SieiImport
from mlds.siei import COLUMNS, import_siei
from notifications.models import Deadline
from students.models import Student
from territories.models import Academie, Bassin, Departement, Etablissement, RegionAcademique
from territories.validators import uai_key

ROWS = int(os.environ.get("BENCH_SIEI_ROWS", "50000"))
KNOWN = ROWS // 5
FOLLOWED = KNOWN // 5
TODAY = dt.date(2025, 10, 15)
# Five tables written per row (young person + history, follow-up, history row, two deadlines)
# against one for COPY: the target is a throughput, 50,000 rows within two minutes.
TARGET_SECONDS_PER_50K = 120


def _setup():
    region = RegionAcademique.objects.create(code="BM", name="Région banc MLDS")
    academie = Academie.objects.create(code="BM", name="Académie banc MLDS", region=region)
    dep = Departement.objects.create(code="093", name="Seine-Saint-Denis", academie=academie)
    bassin = Bassin.objects.create(code="BENCH-MLDS", name="Bassin banc", departement=dep)
    schools = []
    for n in range(10):
        digits = f"093{2000 + n:04d}"
        schools.append(
            Etablissement(
                uai=digits + uai_key(digits),
                name=f"LP banc {n}",
                school_type="lp",
                commune="Évry",
                bassin=bassin,
                departement=dep,
            )
        )
    Etablissement.objects.bulk_create(schools)
    return dep, [s.uai for s in schools]


def _person(n):
    return (
        f"{500000000 + n:09d}MZ" if n % 2 == 0 else "",
        f"Nom-{n}",
        ("Léa", "Hugo", "Inès", "Adam", "Zoé")[n % 5],
        dt.date(2001 + n % 8, 1 + n % 12, 1 + n % 28),
    )


def _known_students():
    students = []
    for n in range(KNOWN):
        ine, last, first, birth = _person(n)
        students.append(
            Student(ine=ine or None, last_name=last, first_name=first, birth_date=birth)
        )
    Student.objects.bulk_create(students, batch_size=5000)
    follow_ups = [
        FollowUp(
            student=s,
            departement_id=Departement.objects.get(code="093").pk,
            source=FollowUpSource.GPDS,
            status=FollowUpStatus.CONTACTE,
            signaled_on=TODAY,
            contact_due_on=TODAY,
        )
        for s in students[:FOLLOWED]
    ]
    FollowUp.objects.bulk_create(follow_ups, batch_size=5000)


def write_file(path, uais):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(";".join(COLUMNS) + "\n")
        duplicate_every = 40  # 2.5 % of rows repeat an earlier one
        for n in range(ROWS):
            source = n - 1 if n % duplicate_every == duplicate_every - 1 else n
            ine, last, first, birth = _person(source)
            if source != n and not ine:
                last = last.upper()  # same person, written differently
            handle.write(
                ";".join(
                    [
                        "",  # numero_siei: optional, absent from older lists
                        ine,
                        last,
                        first,
                        f"{birth:%d/%m/%Y}",
                        "FM"[n % 2],
                        uais[n % len(uais)],
                        "CAP cuisine",
                        "30/06/2025",
                        "06 12 34 56 78",
                        f"jeune{n}@example.org",
                        f"{n} rue des Lilas",
                    ]
                )
                + "\n"
            )


def _baseline(path) -> float:
    columns = ", ".join(f"c{i} text" for i in range(len(COLUMNS)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_siei_scratch ({columns})")
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            with (
                open(path, "rb") as handle,
                cursor.cursor.copy(
                    "COPY bench_siei_scratch FROM STDIN "
                    "WITH (FORMAT csv, DELIMITER ';', HEADER true)"
                ) as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        else:
            import csv

            placeholders = ", ".join(["%s"] * len(COLUMNS))
            with open(path, encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle, delimiter=";")
                next(reader)
                cursor.executemany(
                    f"INSERT INTO bench_siei_scratch VALUES ({placeholders})", reader
                )
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_siei_scratch")
    return elapsed


def _wipe():
    with transaction.atomic():
        Deadline.objects.all().delete()
        FollowUpLog.objects.all().delete()
        FollowUp.objects.all().delete()
        SieiImport.objects.all().delete()
        Student.history.all().delete()
        Student.objects.all().delete()


def run() -> dict:
    dep, uais = _setup()
    _known_students()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "siei.csv")
        write_file(path, uais)
        with open(path, "rb") as handle:
            raw = handle.read()
        copy_s = _baseline(path)
        started = time.perf_counter()
        batch = import_siei(raw=raw, departement=dep, by=None, file_name="siei.csv", today=TODAY)
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        again = import_siei(
            raw=raw + b"\n", departement=dep, by=None, file_name="siei-bis.csv", today=TODAY
        )
        reimport_s = time.perf_counter() - started
    _wipe()
    ratio = copy_s / import_s
    baseline = "COPY" if connection.vendor == "postgresql" else "INSERT executemany"
    summary = (
        f"{ROWS} lignes SIEI : import {import_s:.1f} s ({ROWS / import_s:,.0f} l/s) dont "
        f"{batch.duplicate_rows} doublons dans le fichier, {batch.matched_students} jeunes "
        f"reconnus, {batch.created_follow_ups} suivis ouverts ; {baseline} {copy_s:.2f} s, "
        f"ratio 1/{1 / ratio:.1f} ; réimport des mêmes lignes {reimport_s:.1f} s "
        f"({again.created_follow_ups} nouveau suivi)"
    ).replace(",", " ")
    print(summary)
    return {
        "summary": summary,
        "target": f"≤ {TARGET_SECONDS_PER_50K} s pour 50 000 lignes (ratio à {baseline} relevé)",
        "passed": import_s * 50000 / ROWS <= TARGET_SECONDS_PER_50K,
        "rows": ROWS,
        "baseline": baseline,
        "baseline_s": round(copy_s, 3),
        "import_s": round(import_s, 3),
        "reimport_s": round(reimport_s, 3),
        "ratio": round(ratio, 4),
        "duplicate_rows": batch.duplicate_rows,
        "matched_students": batch.matched_students,
        "created_students": batch.created_students,
        "created_follow_ups": batch.created_follow_ups,
        "already_followed": batch.already_followed,
        "reimport_created_follow_ups": again.created_follow_ups,
    }
