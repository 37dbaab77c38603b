"""A CIO director's pupil list over 20,000 pupils: server time of the page against the raw SQL
behind it, in the same run.

The page is fetched through Django's test client (middleware, session, scope, form, template);
the baseline replays, through a bare cursor, exactly the SQL statements that request ran.
Target: the page within twice the raw SQL time (median of repeated runs).
"""

import datetime as dt
import os
import re
import statistics
import time
import uuid

from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.enums import Role
from accounts.models import RoleAssignment, User
from students.models import Student
from territories.models import CIO, Academie, Bassin, Departement, Etablissement, RegionAcademique
from territories.validators import uai_key

PUPILS = int(os.environ.get("BENCH_LIST_PUPILS", "20000"))
REPEAT = 50
TARGET = 2.0
FIRST = ["Léa", "Hugo", "Inès", "Adam", "Jade", "Noah", "Lina", "Louis", "Emma", "Nathan"]


def _build():
    region = RegionAcademique.objects.create(code="BL", name="Région banc liste")
    academie = Academie.objects.create(code="BL", name="Académie banc liste", region=region)
    dep = Departement.objects.create(code="091", name="Essonne", academie=academie)
    bassins = [
        Bassin.objects.create(code=f"BL{n}", name=f"Bassin {n}", departement=dep) for n in range(2)
    ]
    CIO.objects.create(uai="0911111" + uai_key("0911111"), name="CIO banc", bassin=bassins[0])
    schools = []
    for n in range(30):
        digits = f"091{2000 + n:04d}"
        schools.append(
            Etablissement(
                uai=digits + uai_key(digits),
                name=f"Lycée {n}",
                school_type="lpo",
                commune="Évry",
                bassin=bassins[n % 2],
                departement=dep,
            )
        )
    Etablissement.objects.bulk_create(schools)
    in_bassin = [s for s in schools if s.bassin_id == bassins[0].id]
    others = [s for s in schools if s.bassin_id != bassins[0].id]
    pupils = []
    for n in range(PUPILS + PUPILS // 4):
        school = in_bassin[n % len(in_bassin)] if n < PUPILS else others[n % len(others)]
        pupils.append(
            Student(
                public_id=uuid.uuid4(),
                ine=f"{400000000 + n:09d}CD",
                last_name=f"NOM{(n * 7919) % 9973:04d}",
                first_name=FIRST[n % len(FIRST)],
                birth_date=dt.date(2007 + n % 5, 1 + n % 12, 1 + n % 28),
                current_school=school,
                level="TG",
                voie="generale",
            )
        )
    Student.objects.bulk_create(pupils, batch_size=2000)
    user = User.objects.create_user("bench.cio", password=None)
    RoleAssignment.objects.create(user=user, role=Role.DIRECTEUR_CIO, bassin=bassins[0])
    return user, bassins[0]


def _plain(sql: str) -> str:
    """A server-side cursor's DECLARE replays as its bare SELECT."""
    match = re.match(r'DECLARE "[^"]+" .*? CURSOR WITH(?:OUT)? HOLD FOR (.*)$', sql, re.S)
    return match.group(1) if match else sql


def _medians(*fns) -> list[float]:
    """Median time of each function, run in turns so that a busy machine weighs on all alike."""
    for fn in fns:
        fn()  # warm-up: caches, prepared plans
    times = [[] for _ in fns]
    for _ in range(REPEAT):
        for fn, samples in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - started)
    return [statistics.median(samples) for samples in times]


def run() -> dict:
    user, bassin = _build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    url = "/eleves/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    page()  # the first visit after login touches the session; measure the steady state
    # Each request resets the query log: keep it while capturing the page's statements.
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as captured:
            page()
        statements = [_plain(q["sql"]) for q in captured.captured_queries]  # before next request
    finally:
        request_started.connect(reset_queries)
    visible = Student.objects.filter(current_school__bassin=bassin).count()
    assert f"{visible} élève" in client.get(url).content.decode().replace("\u202f", "")

    def raw():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()

    page_s, raw_s = _medians(page, raw)
    ratio = page_s / raw_s
    summary = (
        f"{visible} élèves dans le bassin : page {page_s * 1000:.1f} ms, SQL brut "
        f"{raw_s * 1000:.1f} ms ({len(statements)} requêtes), rapport ×{ratio:.2f}"
    )
    print(summary)
    Student.objects.all().delete()
    return {
        "summary": summary,
        "target": f"page ≤ ×{TARGET:.0f} du SQL brut",
        "passed": ratio <= TARGET,
        "pupils_in_scope": visible,
        "page_ms": round(page_s * 1000, 2),
        "raw_sql_ms": round(raw_s * 1000, 2),
        "queries": len(statements),
        "ratio": round(ratio, 2),
    }
