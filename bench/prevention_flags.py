"""Early-warning flags over an académie's absences: 300,000 pupils × 10 months (3 million rows).

Data are generated in SQL (`generate_series`) on PostgreSQL. Measured in the same run:
- the full flag computation (`prevention.services.compute_flags`: windows over the absences,
  delete and insert of the flags) against the raw aggregate query (one GROUP BY over the same
  table computing each pupil's attendance), the baseline;
- one school's recomputation, which is what an upload triggers.
Also reported: the flag SELECT alone through a bare cursor (what the write costs on top).
Target: the full computation within 10× the raw aggregate: the aggregate is one parallel scan
and hash, while the window pass must read each pupil's months in order (window functions do
not run in parallel on PostgreSQL) and then write the flags.
On SQLite (laptop) the volume falls to BENCH_FLAG_PUPILS (default 20,000).
"""

import datetime as dt
import os
import statistics
import time

from django.db import connection

from prevention.models import AbsenceRecord, Flag
from prevention.services import compute_flags, flag_select_sql
from students.models import Student
from territories.models import Academie, Bassin, Departement, Etablissement, RegionAcademique
from territories.validators import uai_key

MONTHS = 10
SCHOOLS = 1000
TARGET = 10.0


def _pupils() -> int:
    default = "300000" if connection.vendor == "postgresql" else "20000"
    return int(os.environ.get("BENCH_FLAG_PUPILS", default))


def _schools():
    region = RegionAcademique.objects.create(code="BF", name="Région banc signaux")
    academie = Academie.objects.create(code="BF", name="Académie banc signaux", region=region)
    dep = Departement.objects.create(code="092", name="Hauts-de-Seine", academie=academie)
    bassin = Bassin.objects.create(code="BF1", name="Bassin banc", departement=dep)
    schools = []
    for n in range(SCHOOLS):
        digits = f"092{n:04d}"
        schools.append(
            Etablissement(
                uai=digits + uai_key(digits),
                name=f"Collège {n}",
                school_type="college",
                commune="Nanterre",
                bassin=bassin,
                departement=dep,
            )
        )
    return Etablissement.objects.bulk_create(schools)


def _generate_pg(pupils: int, first_school: int):
    student = Student._meta.db_table
    absence = AbsenceRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            f"""
            INSERT INTO {student} (public_id, ine, last_name, first_name, birth_date, sex, email,
                phone, address, current_school_id, level, mef, division, voie, created_at,
                updated_at)
            SELECT gen_random_uuid(), lpad(n::text, 9, '0') || 'BF', 'NOM' || n, 'Prénom',
                   DATE '2010-01-01' + (n %% 1500), '', '', '', '', %s + n %% {SCHOOLS}, '4E', '',
                   '4A', 'college', now(), now()
            FROM generate_series(1, %s) AS n
            """,
            [first_school, pupils],
        )
        # One pupil in ten drifts: absences rise with the month; the others miss 0–4.
        cursor.execute(
            f"""
            INSERT INTO {absence} (student_id, school_id, month, half_days_missed,
                half_days_unjustified, expected_half_days, incidents, term_average, imported_at)
            SELECT s.id, s.current_school_id,
                   (DATE '2025-09-01' + make_interval(months => m))::date,
                   x.missed, floor(x.missed * random() * 0.6)::int, NULL,
                   CASE WHEN s.id %% 10 = 0 THEN (random() * 3)::int ELSE 0 END,
                   CASE WHEN m %% 3 = 2 THEN round((11 + random() * 2
                       - CASE WHEN s.id %% 10 = 0 THEN m * 0.4 ELSE 0 END)::numeric, 2) END,
                   now()
            FROM {student} s
            CROSS JOIN generate_series(0, {MONTHS - 1}) AS m
            CROSS JOIN LATERAL (
                SELECT CASE WHEN s.id %% 10 = 0 THEN least(36, (m * 2 + random() * 6)::int)
                            ELSE floor(random() * 4)::int END AS missed
            ) x
            WHERE s.current_school_id >= %s
            """,
            [first_school],
        )
        cursor.execute(f"ANALYZE {student}")
        cursor.execute(f"ANALYZE {absence}")


def _generate_orm(pupils: int, schools):
    import random
    import uuid

    rng = random.Random(42)
    rows = [
        Student(
            public_id=uuid.uuid4(),
            ine=f"{n:09d}BF",
            last_name=f"NOM{n}",
            first_name="Prénom",
            birth_date=dt.date(2010, 1, 1) + dt.timedelta(days=n % 1500),
            current_school=schools[n % len(schools)],
            level="4E",
            voie="college",
        )
        for n in range(pupils)
    ]
    Student.objects.bulk_create(rows, batch_size=5000)
    records = []
    for s in rows:
        drifts = s.pk % 10 == 0
        for m in range(MONTHS):
            missed = min(36, m * 2 + rng.randint(0, 6)) if drifts else rng.randint(0, 3)
            records.append(
                AbsenceRecord(
                    student_id=s.pk,
                    school_id=s.current_school_id,
                    month=dt.date(2025 + (8 + m) // 12, (8 + m) % 12 + 1, 1),
                    half_days_missed=missed,
                    half_days_unjustified=int(missed * rng.random() * 0.6),
                )
            )
    AbsenceRecord.objects.bulk_create(records, batch_size=5000)


BASELINE_SQL = """
SELECT student_id, 1.0 - SUM(half_days_missed) / (COUNT(*) * 36.0) AS rate
FROM {absence} GROUP BY student_id HAVING 1.0 - SUM(half_days_missed) / (COUNT(*) * 36.0) < 0.9
"""


def _timed(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> dict:
    pupils = _pupils()
    started = time.perf_counter()
    schools = _schools()
    if connection.vendor == "postgresql":
        _generate_pg(pupils, schools[0].id)
    else:
        _generate_orm(pupils, schools)
    generated = time.perf_counter() - started
    rows = AbsenceRecord.objects.count()

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL.format(absence=AbsenceRecord._meta.db_table))
            cursor.fetchall()

    baseline()  # warm-up
    raw = _timed(baseline)

    def select_only():
        sql, params = flag_select_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    select = _timed(select_only)
    full = _timed(compute_flags)
    flags = Flag.objects.count()
    flagged = Flag.objects.values("student_id").distinct().count()
    one_school = _timed(lambda: compute_flags(school_ids=[schools[1].id]), repeat=5)
    ratio = full / raw if raw else float("inf")
    summary = (
        f"{rows:,} lignes ({pupils:,} élèves × {MONTHS} mois) : signaux en {full:.2f} s "
        f"contre {raw:.2f} s pour l'agrégat brut (×{ratio:.1f}) ; requête des signaux seule "
        f"{select:.2f} s ; {flagged:,} élèves signalés ; "
        f"un établissement recalculé en {one_school * 1000:.0f} ms"
    ).replace(",", " ")
    print(summary)
    print(f"Génération des données : {generated:.1f} s")
    return {
        "summary": summary,
        "target": f"≤ ×{TARGET:.0f} l'agrégat brut",
        "passed": ratio <= TARGET,
        "rows": rows,
        "pupils": pupils,
        "flags": flags,
        "flagged_pupils": flagged,
        "compute_s": round(full, 3),
        "raw_aggregate_s": round(raw, 3),
        "select_only_s": round(select, 3),
        "ratio": round(ratio, 2),
        "one_school_ms": round(one_school * 1000, 1),
        "generation_s": round(generated, 1),
    }
