"""Reports on 1,000,000 pupils: the dropout indicator endpoint against its raw SQL aggregate
(replayed on a bare cursor; a hand-written equivalent is timed too), in the same run; and
the nominative CSV export of 1,000,000 rows (time to first byte, total time, memory while
streaming).

Data is generated in SQL with generate_series (PostgreSQL). On another database the volume
falls back to BENCH_REPORTS_PUPILS_OTHER pupils built in Python.

Targets: endpoint within 1.3 × the raw SQL (median of repeated runs); CSV first byte within
a second, memory flat (growth under 50 MB while streaming).
"""

import os
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reports import rules
from reports.enums import ClientRights
from reports.services import issue_api_client
from territories.models import Academie, Bassin, Departement, Etablissement, RegionAcademique
from territories.validators import uai_key

PUPILS = int(os.environ.get("BENCH_REPORTS_PUPILS", "1000000"))
PUPILS_OTHER = int(os.environ.get("BENCH_REPORTS_PUPILS_OTHER", "20000"))
SCHOOLS = 1000
REPEAT = int(os.environ.get("BENCH_REPORTS_REPEAT", "7"))
TARGET_RATIO = 1.3
TARGET_FIRST_BYTE_S = 1.0
TARGET_MEMORY_MB = 50
URL = "/api/v1/indicateurs/decrochage/"
PARAMS = {"territoire": "departement", "par": "voie,annee", "page_size": 1000}

# The dropout definition (reports.rules.DROPOUT_DEFINITION) written by hand: left during the
# cycle, or at its end without a passed CAP / bac / BT / BTS by the session closing the year.
RAW_SQL = """
SELECT d.code, d.name, e.voie, e.school_year, COUNT(*) AS effectif,
       COUNT(*) FILTER (WHERE e.exit_date IS NOT NULL
           AND (e.exit_reason IN ('abandon', 'emploi', 'autre', '')
                OR (e.exit_reason = 'fin_cycle' AND NOT EXISTS (
                    SELECT 1 FROM dossiers_examresult r
                    WHERE r.student_id = e.student_id
                      AND r.exam IN ('bac_general', 'bac_techno', 'bac_pro', 'bt', 'bts', 'cap')
                      AND r.outcome IN ('admis', 'admis_controle')
                      AND r.session_year <= e.school_year + 1)))
           AND s.birth_date <= (e.exit_date - interval '16 years')::date
           AND NOT EXISTS (
               SELECT 1 FROM students_enrolment f
               WHERE f.student_id = e.student_id
                 AND (f.school_year > e.school_year
                      OR (f.school_year = e.school_year AND f.entry_date >= e.exit_date))
           )) AS decrocheurs
FROM students_enrolment e
JOIN students_student s ON s.id = e.student_id
JOIN territories_etablissement t ON t.id = e.school_id
JOIN territories_departement d ON d.id = t.departement_id
WHERE d.academie_id = %s
GROUP BY d.code, d.name, e.voie, e.school_year
ORDER BY d.code, d.name, e.voie, e.school_year
"""


# The previous definition (exit reason only), to measure what the end-of-cycle branch costs.
PREVIOUS_SQL = RAW_SQL.replace(
    RAW_SQL[
        RAW_SQL.index("           AND (e.exit_reason") : RAW_SQL.index("           AND s.birth")
    ],
    "           AND e.exit_reason IN ('abandon', 'emploi', 'autre', '')\n",
)


def _n(value: int) -> str:
    return f"{value:_}".replace("_", " ")


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _structures():
    region = RegionAcademique.objects.create(code="BRP", name="Région banc rapports")
    academie = Academie.objects.create(code="BRP", name="Académie banc rapports", region=region)
    deps = [
        Departement.objects.create(code=code, name=f"Département {code}", academie=academie)
        for code in ("051", "052", "054", "055")
    ]
    bassins = [
        Bassin.objects.create(code=f"BRP{n:02d}", name=f"Bassin {n}", departement=deps[n % 4])
        for n in range(40)
    ]
    schools = []
    for n in range(SCHOOLS):
        bassin = bassins[n % len(bassins)]
        digits = f"{bassin.departement.code}{5000 + n:04d}"
        schools.append(
            Etablissement(
                uai=digits + uai_key(digits),
                name=f"Lycée {n}",
                school_type="lpo",
                commune="Reims",
                bassin=bassin,
                departement_id=bassin.departement_id,
                voie_generale=True,
                voie_professionnelle=True,
            )
        )
    Etablissement.objects.bulk_create(schools)
    return academie


def _pupils_postgres(pupils: int):
    """1 pupil = 1 enrolment (3 school years); 8 % leave during the year (abandon, job,
    apprenticeship…), a quarter of them enrol again the next year; 6 % leave at the end of
    the cycle, half of them with a passed exam."""
    with connection.cursor() as cur:
        cur.execute(
            """
            WITH sch AS (SELECT array_agg(id ORDER BY id) AS ids FROM territories_etablissement
                         WHERE uai LIKE '05%%')
            INSERT INTO students_student (public_id, last_name, first_name, birth_date, sex,
                email, phone, address, current_school_id, level, mef, division, voie,
                created_at, updated_at)
            SELECT gen_random_uuid(), 'NOM' || g, 'Prénom', date '2005-01-01' + (g %% 1800),
                   '', '', '', '', sch.ids[1 + g %% array_length(sch.ids, 1)],
                   (ARRAY['2PRO','1PRO','TPRO','2GT','1G','TG','CAP1'])[1 + g %% 7], '', '',
                   (ARRAY['professionnelle','professionnelle','professionnelle','generale',
                          'generale','generale','professionnelle'])[1 + g %% 7],
                   now(), now()
            FROM generate_series(1, %s) g, sch
            """,
            [pupils],
        )
        cur.execute(
            """
            INSERT INTO students_enrolment (student_id, school_id, school_year, level, division,
                voie, entry_date, exit_date, exit_reason, exit_motif_code, exit_source)
            SELECT s.id, s.current_school_id, 2022 + s.id % 3, s.level, '', s.voie,
                   make_date(2022 + (s.id % 3)::int, 9, 2),
                   CASE WHEN s.id % 100 < 8 THEN make_date(2023 + (s.id % 3)::int, 2, 1)
                        WHEN s.id % 100 < 14 THEN make_date(2023 + (s.id % 3)::int, 7, 4) END,
                   CASE WHEN s.id % 100 < 8 THEN
                       (ARRAY['abandon','emploi','apprentissage','autre',''])[1 + s.id % 5]
                        WHEN s.id % 100 < 14 THEN 'fin_cycle'
                   ELSE '' END, '', ''
            FROM students_student s WHERE s.last_name LIKE 'NOM%'
            """
        )
        cur.execute(
            """
            INSERT INTO dossiers_examresult (student_id, school_id, exam, specialty,
                session_year, outcome, imported_at)
            SELECT e.student_id, e.school_id, 'cap', 'CUISINE', e.school_year + 1,
                   CASE WHEN e.student_id % 2 = 0 THEN 'admis' ELSE 'ajourne' END, now()
            FROM students_enrolment e
            JOIN students_student s ON s.id = e.student_id AND s.last_name LIKE 'NOM%'
            WHERE e.exit_reason = 'fin_cycle'
            """
        )
        cur.execute(
            """
            INSERT INTO students_enrolment (student_id, school_id, school_year, level, division,
                voie, entry_date, exit_reason, exit_motif_code, exit_source)
            SELECT e.student_id, e.school_id, e.school_year + 1, e.level, '', e.voie,
                   make_date(e.school_year + 1, 9, 2), '', '', ''
            FROM students_enrolment e
            WHERE e.exit_date IS NOT NULL AND e.student_id % 4 = 0 AND e.school_year < 2024
            """
        )
        cur.execute(
            "ANALYZE students_student; ANALYZE students_enrolment; ANALYZE dossiers_examresult;"
        )


def _pupils_python(pupils: int):
    import datetime as dt

    from students.models import Enrolment, Student

    schools = list(Etablissement.objects.filter(uai__startswith="05").values_list("id", flat=True))
    levels = ["2PRO", "1PRO", "TPRO", "2GT", "1G", "TG", "CAP1"]
    Student.objects.bulk_create(
        [
            Student(
                last_name=f"NOM{n}",
                first_name="Prénom",
                birth_date=dt.date(2005, 1, 1) + dt.timedelta(days=n % 1800),
                current_school_id=schools[n % len(schools)],
                level=levels[n % 7],
                voie="generale" if 3 <= n % 7 <= 5 else "professionnelle",
            )
            for n in range(pupils)
        ],
        batch_size=5000,
    )
    reasons = ["abandon", "emploi", "apprentissage", "autre", ""]
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                student_id=s.id,
                school_id=s.current_school_id,
                school_year=2022 + s.id % 3,
                level=s.level,
                voie=s.voie,
                entry_date=dt.date(2022 + s.id % 3, 9, 2),
                exit_date=dt.date(2023 + s.id % 3, 2, 1) if s.id % 100 < 8 else None,
                exit_reason=reasons[s.id % 5] if s.id % 100 < 8 else "",
            )
            for s in Student.objects.filter(last_name__startswith="NOM").only(
                "id", "current_school_id", "level", "voie"
            )
        ],
        batch_size=5000,
    )


def _median(fn, repeat=REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _interleaved_medians(*fns, repeat=REPEAT) -> list[float]:
    times = [[] for _ in fns]
    for _ in range(repeat):
        for bucket, fn in zip(times, fns, strict=True):
            started = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - started)
    return [statistics.median(bucket) for bucket in times]


def run() -> dict:
    postgres = connection.vendor == "postgresql"
    pupils = PUPILS if postgres else PUPILS_OTHER
    started = time.perf_counter()
    academie = _structures()
    (_pupils_postgres if postgres else _pupils_python)(pupils)
    build_s = time.perf_counter() - started
    print(f"  données : {_n(pupils)} élèves en {build_s:.1f} s")

    _, aggregate_key = issue_api_client(
        name="Banc agrégats", rights=ClientRights.AGGREGATES, academie=academie
    )
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {aggregate_key}")
    response = client.get(URL, PARAMS)
    assert response.status_code == 200, response.content[:300]
    body = response.json()

    figures = {"pupils": pupils, "build_s": round(build_s, 1)}
    if postgres:

        def raw():
            with connection.cursor() as cur:
                cur.execute(RAW_SQL, [academie.id])
                return cur.fetchall()

        def previous():
            with connection.cursor() as cur:
                cur.execute(PREVIOUS_SQL, [academie.id])
                return cur.fetchall()

        raw_rows = raw()
        api_total = sum(r["valeurs"]["effectif"] or 0 for r in body["results"])
        assert api_total == sum(r[4] for r in raw_rows), "l'API et le SQL brut divergent"
        assert len(raw_rows) == body["count"]
        # Baseline of the ratio: the aggregate the endpoint ran, replayed on a bare cursor
        # (so the ratio is the cost of the framework); the hand-written SQL is shown too.
        with CaptureQueriesContext(connection) as ctx:
            client.get(URL, PARAMS)
        aggregate_sql = next(q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"])
        if os.environ.get("BENCH_REPORTS_SHOW_SQL"):
            print(aggregate_sql)

        def replay():
            with connection.cursor() as cur:
                cur.execute(aggregate_sql)
                return cur.fetchall()

        # Interleaved, so load from other processes weighs on all three alike.
        endpoint_s, replay_s, raw_s, previous_s = _interleaved_medians(
            lambda: client.get(URL, PARAMS), replay, raw, previous
        )
        ratio = endpoint_s / replay_s
        figures.update(
            endpoint_ms=round(endpoint_s * 1000),
            same_sql_bare_cursor_ms=round(replay_s * 1000),
            hand_written_sql_ms=round(raw_s * 1000),
            ratio=round(ratio, 2),
            ratio_vs_hand_written=round(endpoint_s / raw_s, 2),
            previous_definition_sql_ms=round(previous_s * 1000),
            end_of_cycle_branch_cost=round(raw_s / previous_s, 2),
            groups=body["count"],
        )
        print(
            f"  indicateur décrochage par département × voie × année : endpoint "
            f"{endpoint_s * 1000:.0f} ms ; même agrégat sur curseur nu {replay_s * 1000:.0f} ms "
            f"(ratio {ratio:.2f}) ; SQL écrit à la main {raw_s * 1000:.0f} ms "
            f"(ratio {endpoint_s / raw_s:.2f}) ; ancienne définition (motif de sortie seul) "
            f"{previous_s * 1000:.0f} ms (fin de cycle sans diplôme : × {raw_s / previous_s:.2f})"
        )

    # Nominative CSV of every enrolment of the académie.
    _, nominative_key = issue_api_client(
        name="Banc nominatif", rights=ClientRights.NOMINATIVE_READ, academie=academie
    )
    csv_client = Client(HTTP_AUTHORIZATION=f"Api-Key {nominative_key}")
    rss_before = _rss_mb()
    started = time.perf_counter()
    response = csv_client.get("/api/v1/decrochage/inscriptions/csv/")
    stream = iter(response.streaming_content)
    first = next(stream)
    first_byte_s = time.perf_counter() - started
    lines, size, peak = first.count(b"\n") - 1, len(first), _rss_mb()
    for n, chunk in enumerate(stream):
        lines += chunk.count(b"\n")
        size += len(chunk)
        if n % 200 == 0:
            peak = max(peak, _rss_mb())
    total_s = time.perf_counter() - started
    growth = max(peak - rss_before, 0)
    print(
        f"  CSV nominatif : {_n(lines)} lignes, {size / 1e6:.0f} Mo, premier octet "
        f"{first_byte_s * 1000:.0f} ms, total {total_s:.1f} s, mémoire +{growth:.0f} Mo"
    )
    figures.update(
        csv_rows=lines,
        csv_mb=round(size / 1e6),
        csv_first_byte_ms=round(first_byte_s * 1000),
        csv_total_s=round(total_s, 1),
        csv_memory_growth_mb=round(growth),
        dropout_min_age=rules.DROPOUT_MIN_AGE,
    )
    passed = first_byte_s <= TARGET_FIRST_BYTE_S and growth <= TARGET_MEMORY_MB
    if postgres:
        passed = passed and figures["ratio"] <= TARGET_RATIO
        summary = (
            f"endpoint {figures['ratio']} × SQL brut ; CSV {_n(lines)} lignes, 1er octet "
            f"{figures['csv_first_byte_ms']} ms, +{figures['csv_memory_growth_mb']} Mo"
        )
    else:
        summary = (
            f"CSV {lines} lignes, 1er octet {figures['csv_first_byte_ms']} ms (hors PostgreSQL)"
        )
    figures.update(
        summary=summary,
        target=f"≤ {TARGET_RATIO} × SQL brut ; 1er octet ≤ {TARGET_FIRST_BYTE_S} s ; "
        f"mémoire ≤ +{TARGET_MEMORY_MB} Mo",
        passed=passed,
    )
    return figures
