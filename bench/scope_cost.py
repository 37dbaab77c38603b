"""Cost follows scope: the same lycée, bassin and département, inside a small then a large
académie (PostgreSQL only), each page and API list of those scopes measured in both, in one
run. Target: large ÷ small ≤ ×1.3 for every page.

Sizes: `BENCH_SCOPE_SMALL` and `BENCH_SCOPE_LARGE` pupils in the académie (default 20,000
and 200,000: 100,000 and 1,000,000 take long to build on a shared machine), of which the
département of the scope keeps `BENCH_SCOPE_PUPILS` (default 8,000) in both. The rest of
the académie is written with `INSERT … SELECT generate_series` (the triggers that keep the
school of record run as for any write). The EXPLAIN of each scope's list is printed and
kept, with the index it uses.
"""

import os
import statistics
import time

from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.enums import Role
from accounts.models import RoleAssignment, User
from config import keyset
from reports.summary import refresh_dropouts
from students.models import Student
from territories.models import Academie, Bassin, Departement, Etablissement, RegionAcademique
from territories.validators import uai_key

SMALL = int(os.environ.get("BENCH_SCOPE_SMALL", "20000"))
LARGE = int(os.environ.get("BENCH_SCOPE_LARGE", "200000"))
SCOPE = int(os.environ.get("BENCH_SCOPE_PUPILS", "8000"))
REPEAT = int(os.environ.get("BENCH_SCOPE_REPEAT", "15"))
TARGET = 1.3
ORDER = ("last_name", "first_name", "id")  # the list's order, indexed per scope level
OTHER_DEPARTEMENTS = 3
SCHOOLS_PER_DEPARTEMENT = 20


def _school(n, dep, bassin):
    digits = f"{dep.code}{5000 + n:04d}"[-7:]
    return Etablissement(
        uai=digits + uai_key(digits),
        name=f"Lycée {n}",
        school_type="lpo",
        commune="Ville",
        bassin=bassin,
        departement=dep,
    )


def _build():
    region = RegionAcademique.objects.create(code="BS", name="Région banc périmètre")
    academie = Academie.objects.create(code="BS", name="Académie banc périmètre", region=region)
    deps, schools = [], {}
    n = 0
    for d in range(1 + OTHER_DEPARTEMENTS):
        dep = Departement.objects.create(code=f"9{d}0", name=f"Département {d}", academie=academie)
        deps.append(dep)
        bassins = [
            Bassin.objects.create(code=f"BS{d}{b}", name=f"Bassin {d}-{b}", departement=dep)
            for b in range(2)
        ]
        rows = []
        for i in range(SCHOOLS_PER_DEPARTEMENT):
            rows.append(_school(n, dep, bassins[i % 2]))
            n += 1
        schools[dep.pk] = Etablissement.objects.bulk_create(rows)
    return academie, deps, schools


def _insert_pupils(school_ids: list[int], count: int, offset: int, left_every: int = 10):
    """`count` pupils spread over `school_ids`, each with an enrolment in its school; one in
    `left_every` left school (no current school, last enrolment ended by an exit)."""
    if count <= 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO students_student (public_id, ine, last_name, first_name, birth_date,
                sex, email, phone, address, current_school_id, level, mef, division, voie,
                created_at, updated_at)
            SELECT gen_random_uuid(), lpad((%(offset)s + g)::text, 9, '0') || 'BS',
                'NOM' || lpad(((g::bigint * 7919) %% 99991)::text, 5, '0'), 'Prénom' || (g %% 97),
                date '2006-01-01' + (g %% 1800), 'F', '', '', '',
                CASE WHEN g %% %(left)s = 0 THEN NULL
                     ELSE (%(schools)s::bigint[])[1 + g %% %(n)s] END,
                'TPRO', '', 'T1', 'professionnelle', now(), now()
            FROM generate_series(1, %(count)s) g
            """,
            {
                "offset": offset,
                "count": count,
                "left": left_every,
                "schools": school_ids,
                "n": len(school_ids),
            },
        )
        cursor.execute(
            """
            INSERT INTO students_enrolment (student_id, school_id, school_year, level, division,
                voie, entry_date, exit_date, exit_reason, exit_motif_code, exit_source)
            SELECT s.id,
                COALESCE(s.current_school_id, (%(schools)s::bigint[])[1 + (s.id %% %(n)s)]),
                2024, 'TPRO', 'T1',
                'professionnelle', date '2024-09-02',
                CASE WHEN s.current_school_id IS NULL THEN date '2025-02-10' END,
                CASE WHEN s.current_school_id IS NULL THEN 'abandon' ELSE '' END, '', ''
            FROM students_student s
            WHERE s.ine LIKE '%%BS' AND NOT EXISTS (
                SELECT 1 FROM students_enrolment e WHERE e.student_id = s.id)
            """,
            {"schools": school_ids, "n": len(school_ids)},
        )


def _account(username, role, **structure):
    user = User.objects.create_user(username, password=None)
    RoleAssignment.objects.create(user=user, role=role, **structure)
    return user


def _median(fn) -> float:
    fn()
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _row_before(user, page: int) -> int:
    """Id of the last pupil of page `page - 1`: the cursor after it opens page `page`."""
    ordered = Student.objects.visible_to(user).order_by(*ORDER).values_list("id", flat=True)
    return ordered[(page - 1) * 50 - 1]


def _explain(sql_qs, analyze: bool = False) -> str:
    sql, params = sql_qs.query.sql_with_params()
    with connection.cursor() as cursor:
        options = "(ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " if analyze else ""
        cursor.execute("EXPLAIN " + options + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _measure(scopes) -> dict:
    out = {}
    for label, user, pages in scopes:
        client = Client()
        client.force_login(user)
        token, _ = Token.objects.get_or_create(user=user)
        api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        for name, url, is_api in pages:
            agent = api if is_api else client

            def get(agent=agent, url=url):
                response = agent.get(url)
                assert response.status_code == 200, (url, response.status_code)

            out[f"{label} — {name}"] = _median(get)
    return out


def run() -> dict:
    if connection.vendor != "postgresql":
        return {"summary": "PostgreSQL requis (generate_series, EXPLAIN)", "passed": None}
    academie, deps, schools = _build()
    scope_dep = deps[0]
    scope_schools = schools[scope_dep.pk]
    lycee = scope_schools[0]
    bassin = lycee.bassin
    others = [s.pk for dep in deps[1:] for s in schools[dep.pk]]
    _insert_pupils([s.pk for s in scope_schools], SCOPE, offset=0)
    _insert_pupils(others, SMALL - SCOPE, offset=SCOPE)
    head = _account("bench.chef", Role.CHEF_ETABLISSEMENT, etablissement=lycee)
    cio = _account("bench.cio", Role.DIRECTEUR_CIO, bassin=bassin)
    dasen = _account("bench.dasen", Role.IA_DASEN, departement=scope_dep)
    visible = {u: Student.objects.visible_to(u).count() for u in (head, cio, dasen)}
    # The deepest full page of each scope, by number (OFFSET) and by cursor (keyset).
    deep = {u: max(2, visible[u] // 50) for u in visible}
    cursors = {u: keyset.encode(_row_before(u, deep[u]), deep[u]) for u in visible}
    indicators = "/api/v1/indicateurs/decrochage/?territoire=etablissement&par=voie,annee"
    scopes = [
        (
            label,
            user,
            [
                ("liste des élèves", "/eleves/", False),
                (f"liste, page {deep[user]}", f"/eleves/?page={deep[user]}", False),
                (f"liste, page {deep[user]} par curseur", f"/eleves/?apres={cursors[user]}", False),
                ("tableau de bord", "/", False),
                ("API élèves", "/api/v1/eleves/", True),
                (
                    f"API élèves, page {deep[user]} par curseur",
                    f"/api/v1/eleves/?apres={cursors[user]}",
                    True,
                ),
                ("API indicateurs", indicators, True),
            ],
        )
        for label, user in (("lycée", head), ("bassin", cio), ("département", dasen))
    ]
    timings = {}
    refresh_ms = {}
    explains = {}
    for phase in ("petite", "grande"):
        if phase == "grande":
            _insert_pupils(others, LARGE - SMALL, offset=SMALL)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        refresh_ms[phase] = refresh_dropouts(full=True).duration_ms
        assert {u: Student.objects.visible_to(u).count() for u in visible} == visible
        timings[phase] = _measure(scopes)
        for label, user, _ in scopes:
            explains[f"{phase} — {label}"] = _explain(
                Student.objects.visible_to(user).values_list("id")[:50]
            )
            page = deep[user]
            explains[f"{phase} — {label}, page {page} par numéro"] = _explain(
                Student.objects.visible_to(user).values_list("id")[(page - 1) * 50 : page * 50],
                analyze=True,
            )
            boundary = Student.objects.filter(pk=_row_before(user, page)).values_list(*ORDER)
            explains[f"{phase} — {label}, page {page} par curseur"] = _explain(
                keyset.bounded(
                    Student.objects.visible_to(user), ordering=ORDER, direction=keyset.AFTER,
                    boundary=boundary.get(),
                ).values_list("id")[:51],
                analyze=True,
            )  # fmt: skip
        print(f"académie {phase} : {Student.objects.count()} élèves")
    rows, worst = [], 0.0
    for key in timings["petite"]:
        small, large = timings["petite"][key], timings["grande"][key]
        ratio = large / small
        worst = max(worst, ratio)
        rows.append(
            {
                "page": key,
                "petite_ms": round(small * 1000, 1),
                "grande_ms": round(large * 1000, 1),
                "rapport": round(ratio, 2),
            }  # fmt: skip
        )
        print(f"{key:45s} {small * 1000:8.1f} ms → {large * 1000:8.1f} ms  ×{ratio:.2f}")
    # Depth: the deepest page by number (OFFSET) and by cursor, against page 1, same size.
    depth = {}
    for label, user, _ in scopes:
        for phase in ("petite", "grande"):
            page1 = timings[phase][f"{label} — liste des élèves"]
            by_number = timings[phase][f"{label} — liste, page {deep[user]}"]
            by_cursor = timings[phase][f"{label} — liste, page {deep[user]} par curseur"]
            depth[f"{phase} — {label}, page {deep[user]}"] = {
                "numéro ÷ page 1": round(by_number / page1, 2),
                "curseur ÷ page 1": round(by_cursor / page1, 2),
            }
            print(
                f"{phase} — {label}, page {deep[user]} ÷ page 1 : par numéro "
                f"×{by_number / page1:.2f}, par curseur ×{by_cursor / page1:.2f}"
            )
    for key, plan in explains.items():
        print(f"\nEXPLAIN {key}\n{plan}")
    indexes = sorted(
        {name for plan in explains.values() for name in _index_names(plan)}
    )  # fmt: skip
    summary = (
        f"même périmètre (lycée {visible[head]}, bassin {visible[cio]}, département "
        f"{visible[dasen]} élèves) dans {SMALL} puis {LARGE} élèves : pire rapport "
        f"×{worst:.2f} sur {len(rows)} pages ; index : {', '.join(indexes)} ; mise à jour "
        f"des chiffres {refresh_ms['petite']} → {refresh_ms['grande']} ms"
    )
    print(summary)
    return {
        "summary": summary,
        "target": f"grande ÷ petite ≤ ×{TARGET}",
        "passed": worst <= TARGET,
        "small": SMALL,
        "large": LARGE,
        "pages": rows,
        "refresh_ms": refresh_ms,
        "depth": depth,
        "explain": explains,
    }


def _index_names(plan: str) -> list[str]:
    import re

    return re.findall(r"using (\w+)", plan)
