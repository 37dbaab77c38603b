"""Reminder sweep: its cost follows the due deadlines, not the number of cases.

Builds 100,000 then 1,000,000 open or closed deadlines (INSERT … SELECT generate_series), of
which 10,000 are due, and times the sweep (reminder creation, first run and steady state) at
both sizes, against the raw due query as a baseline. Prints EXPLAIN ANALYZE of the due query:
an index scan on the partial index `deadline_open_due`. PostgreSQL only.
"""

import datetime as dt
import os
import time

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

DUE = int(os.environ.get("BENCH_REMINDERS_DUE", "10000"))
SMALL = int(os.environ.get("BENCH_REMINDERS_SMALL", "100000"))
LARGE = int(os.environ.get("BENCH_REMINDERS_LARGE", "1000000"))
SCHOOLS = 200
KINDS = ["entretien_situation", "gpds_revue", "tdo_bilan", "mlds_bilan"]


def _world():
    from accounts.enums import Role
    from accounts.models import RoleAssignment, User
    from territories.models import Academie, Bassin, Departement, Etablissement, RegionAcademique
    from territories.validators import uai_key

    region = RegionAcademique.objects.create(code="BENCH", name="Région de mesure")
    academie = Academie.objects.create(code="BENCH", name="Académie de mesure", region=region)
    dep = Departement.objects.create(code="B01", name="Département de mesure", academie=academie)
    bassins = [
        Bassin.objects.create(code=f"BENCH{i}", name=f"Bassin {i}", departement=dep)
        for i in range(10)
    ]
    schools = []
    for i in range(SCHOOLS):
        digits = f"099{i:04d}"
        schools.append(
            Etablissement(
                uai=digits + uai_key(digits),
                name=f"Lycée de mesure {i}",
                school_type="lpo",
                commune="Mesure",
                bassin=bassins[i % 10],
                departement=dep,
            )
        )
    Etablissement.objects.bulk_create(schools)
    users = User.objects.bulk_create(
        [User(username=f"bench.chef{i}", email=f"chef{i}@bench.example") for i in range(SCHOOLS)]
        + [User(username=f"bench.cio{i}", email=f"cio{i}@bench.example") for i in range(10)]
        + [User(username="bench.ienio", email="ienio@bench.example")]
    )
    roles = [
        RoleAssignment(user=users[i], role=Role.CHEF_ETABLISSEMENT, etablissement=schools[i])
        for i in range(SCHOOLS)
    ]
    roles += [
        RoleAssignment(user=users[SCHOOLS + i], role=Role.DIRECTEUR_CIO, bassin=bassins[i])
        for i in range(10)
    ]
    roles.append(RoleAssignment(user=users[-1], role=Role.IEN_IO, departement=dep))
    RoleAssignment.objects.bulk_create(roles)
    return [s.pk for s in schools], dep.pk


def _insert(start: int, stop: int, *, ct_id: int, school_ids: list[int], dep_id: int, today):
    """Rows [start, stop): the first DUE are due (today-10 … today+1); others are closed in
    the past or open more than a month ahead (beyond every early notice)."""
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO notifications_deadline
              (kind, content_type_id, object_id, label, url, due_date, school_id,
               departement_id, completed_at, updated_at)
            SELECT (%(kinds)s::text[])[1 + i %% 4], %(ct)s, i, 'Dossier de mesure ' || i,
                   '/mesure/' || i || '/',
                   CASE WHEN i < %(due)s THEN %(today)s::date + 1 - (i %% 12)
                        WHEN i %% 2 = 0 THEN %(today)s::date - 400 + (i %% 365)
                        ELSE %(today)s::date + 31 + (i %% 300) END,
                   (%(schools)s::bigint[])[1 + i %% %(n)s], %(dep)s,
                   CASE WHEN i >= %(due)s AND i %% 2 = 0 THEN now() END, now()
            FROM generate_series(%(start)s, %(stop)s - 1) AS i
            """,
            {
                "kinds": KINDS,
                "ct": ct_id,
                "due": DUE,
                "today": today,
                "schools": school_ids,
                "n": len(school_ids),
                "dep": dep_id,
                "start": start,
                "stop": stop,
            },
        )
        cur.execute("ANALYZE notifications_deadline")


def _time(fn, repeat=1):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def _measure(today) -> dict:
    from notifications import services
    from notifications.models import Reminder

    Reminder.objects.all().delete()
    first = _time(lambda: services.create_due_reminders(today=today))
    created = Reminder.objects.count()
    steady = _time(lambda: services.create_due_reminders(today=today), repeat=3)

    def raw():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id, kind, due_date, school_id FROM notifications_deadline "
                "WHERE completed_at IS NULL AND due_date <= %s",
                [today + dt.timedelta(days=services.max_before_days())],
            )
            cur.fetchall()

    def naive():
        # What a loop over every open case would read.
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id, kind, due_date, school_id FROM notifications_deadline "
                "WHERE completed_at IS NULL"
            )
            cur.fetchall()

    return {
        "first_s": first,
        "steady_s": steady,
        "raw_s": _time(raw, repeat=3),
        "naive_s": _time(naive),
        "reminders": created,
    }


def run() -> dict:
    if connection.vendor != "postgresql":
        print("PostgreSQL requis (generate_series, index partiel) : mesure ignorée.")
        return {"summary": "PostgreSQL requis", "passed": None}
    from notifications import services
    from notifications.models import Deadline

    today = timezone.localdate()
    with transaction.atomic():
        school_ids, dep_id = _world()
    ct_id = ContentType.objects.get_or_create(app_label="bench", model="dossier")[0].pk
    args = {"ct_id": ct_id, "school_ids": school_ids, "dep_id": dep_id, "today": today}

    started = time.perf_counter()
    _insert(0, SMALL, **args)
    small = _measure(today)
    _insert(SMALL, LARGE, **args)
    load_s = time.perf_counter() - started
    large = _measure(today)
    total = Deadline.objects.count()
    due = services.due_deadlines(today=today).count()

    with transaction.atomic():
        services.planner_without_jit()
        plan = services.due_deadlines(today=today).explain(analyze=True)
    print("EXPLAIN ANALYZE de la requête des échéances dues (1 000 000 dossiers) :")
    print(plan)
    growth = large["steady_s"] / small["steady_s"]
    growth_first = large["first_s"] / small["first_s"]
    print(
        f"{total:,} échéances, dont {due:,} dues ; chargement {load_s:.1f} s.\n"
        f"Balayage, premier passage ({large['reminders']:,} rappels créés) : "
        f"{small['first_s']:.2f} s à 100 000, {large['first_s']:.2f} s à 1 000 000 "
        f"(× {growth_first:.2f}).\n"
        f"Balayage, passage suivant (rien de neuf) : {small['steady_s']:.2f} s à 100 000, "
        f"{large['steady_s']:.2f} s à 1 000 000 (× {growth:.2f}).\n"
        f"Requête SQL brute des échéances dues : {small['raw_s'] * 1000:.0f} ms / "
        f"{large['raw_s'] * 1000:.0f} ms ; balayage / requête brute à 1 000 000 : "
        f"× {large['steady_s'] / large['raw_s']:.1f}.\n"
        f"Lecture naïve de tous les dossiers ouverts : {small['naive_s']:.2f} s / "
        f"{large['naive_s']:.2f} s (× {large['naive_s'] / small['naive_s']:.1f})."
    )
    uses_index = "deadline_open_due" in plan
    passed = uses_index and growth < 1.5 and growth_first < 1.5
    return {
        "summary": (
            f"10 000 dues parmi 1 M : {large['first_s']:.2f} s (1er passage), "
            f"{large['steady_s']:.2f} s ensuite ; × {growth:.2f} de 100 k à 1 M"
        ),
        "target": "coût ×< 1,5 de 100 k à 1 M à nombre de dues égal, index partiel utilisé",
        "passed": passed,
        "total_deadlines": total,
        "due_deadlines": due,
        "reminders_created": large["reminders"],
        "first_sweep_s_100k": round(small["first_s"], 3),
        "first_sweep_s_1m": round(large["first_s"], 3),
        "steady_sweep_s_100k": round(small["steady_s"], 3),
        "steady_sweep_s_1m": round(large["steady_s"], 3),
        "raw_due_query_s_1m": round(large["raw_s"], 4),
        "naive_full_read_s_100k": round(small["naive_s"], 3),
        "naive_full_read_s_1m": round(large["naive_s"], 3),
        "growth_100k_to_1m": round(growth, 2),
        "uses_partial_index": uses_index,
        "plan": plan,
    }
