"""Re-preparation: the commission docket of a session with 2,000 dossiers and a CIO caseload
over 50 schools, each against the raw SQL behind the page; a request for 1,000 letters (must
return at once: rendering is queued), the worker's time per letter, the peak memory of a worker
process (children included) for batches of 100, 1,000 and 5,000 letters, and one batch shared
by two worker processes.

Pages go through Django's test client; the baseline replays the same SQL with a bare cursor.
"""

import datetime as dt
import os
import statistics
import time
import uuid

from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.enums import Role
from accounts.models import RoleAssignment, User
from dossiers import services
from dossiers.enums import DossierState, Wish
from dossiers.models import (
    BatchChunk,
    BatchJob,
    Capacity,
    Commission,
    CommissionSession,
    ExamResult,
    RepreparationDossier,
)
from students.models import Student
from territories.models import CIO, Academie, Bassin, Departement, Etablissement, RegionAcademique
from territories.validators import uai_key

SCHOOLS = 50
DOCKET = int(os.environ.get("BENCH_DOCKET_DOSSIERS", "2000"))
LETTERS_REQUESTED = 1000
LETTERS_RENDERED = int(os.environ.get("BENCH_LETTERS_RENDERED", "100"))
# Peak memory of a worker process (children included) rendering batches of these sizes, and
# a batch shared by two worker processes.
LETTERS_RSS_SIZES = [
    int(n) for n in os.environ.get("BENCH_LETTERS_RSS_SIZES", "100,1000,5000").split(",")
]
LETTERS_SHARED = int(os.environ.get("BENCH_LETTERS_SHARED", "1000"))
LETTERS_RSS_TARGET_MB = 300
REPEAT = 20
STATES = [
    DossierState.REMIS,
    DossierState.ENTRETIEN_PLANIFIE,
    DossierState.ENTRETIEN_REALISE,
    DossierState.SOUHAIT_EXPRIME,
    DossierState.SANS_SOLUTION,
]


def _build():
    region = RegionAcademique.objects.create(code="BR", name="Région banc reprepa")
    academie = Academie.objects.create(code="BR", name="Académie banc reprepa", region=region)
    dep = Departement.objects.create(code="078", name="Yvelines", academie=academie)
    bassin = Bassin.objects.create(code="BR0", name="Bassin banc", departement=dep)
    CIO.objects.create(uai="0781111" + uai_key("0781111"), name="CIO banc", bassin=bassin)
    schools = []
    for n in range(SCHOOLS):
        digits = f"078{3000 + n:04d}"
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
    schools = Etablissement.objects.bulk_create(schools)
    per_school = 20
    total = DOCKET + LETTERS_REQUESTED + SCHOOLS * per_school
    students = Student.objects.bulk_create(
        [
            Student(
                public_id=uuid.uuid4(),
                ine=f"{500000000 + n:09d}EF",
                last_name=f"NOM{(n * 7919) % 9973:04d}",
                first_name="Élise",
                birth_date=dt.date(2007, 1 + n % 12, 1 + n % 28),
                current_school=schools[n % SCHOOLS] if n >= LETTERS_REQUESTED else schools[0],
                level="TPRO",
                voie="professionnelle",
            )
            for n in range(total)
        ],
        batch_size=2000,
    )
    results = ExamResult.objects.bulk_create(
        [
            ExamResult(
                student=s,
                school_id=s.current_school_id,
                exam="bac_pro",
                specialty="MELEC",
                session_year=2025,
                outcome="ajourne",
                average=5 + (i % 50) / 10,
            )
            for i, s in enumerate(students)
        ],
        batch_size=2000,
    )
    dossiers = []
    for i, (s, r) in enumerate(zip(students, results, strict=True)):
        d = RepreparationDossier(
            public_id=uuid.uuid4(),
            student=s,
            school_id=s.current_school_id,
            exam_result=r,
            opened_on=dt.date(2025, 7, 4),
            average=r.average,
            below_ten_count=i % 6,
        )
        if i < LETTERS_REQUESTED:
            d.state, d.wish, d.decided_on = (
                DossierState.REINSCRIT,
                Wish.REINSCRIPTION_ORIGINE,
                dt.date(2025, 7, 9),
            )
        elif i < LETTERS_REQUESTED + DOCKET:
            d.state, d.wish = DossierState.TRANSMIS_COMMISSION, Wish.CHANGEMENT
            d.transmitted_on, d.proposed_school_id = (
                dt.date(2025, 7, 8),
                schools[(i + 1) % SCHOOLS].pk,
            )
            d.commission_departement = dep
        else:
            d.state = STATES[i % len(STATES)]
            if d.state == DossierState.SOUHAIT_EXPRIME:
                d.wish = Wish.CHANGEMENT
        dossiers.append(d)
    RepreparationDossier.objects.bulk_create(dossiers, batch_size=2000)
    commission = Commission.objects.create(departement=dep)
    session = CommissionSession.objects.create(
        commission=commission, date=dt.date(2025, 7, 10), members="IA-DASEN"
    )
    Capacity.objects.bulk_create(
        [
            Capacity(commission=commission, school=s, formation="Terminale pro", places=30)
            for s in schools
        ]
    )
    dasen = User.objects.create_user("bench.dasen", password=None)
    RoleAssignment.objects.create(user=dasen, role=Role.IA_DASEN, departement=dep)
    cio = User.objects.create_user("bench.dcio", password=None)
    RoleAssignment.objects.create(user=cio, role=Role.DIRECTEUR_CIO, bassin=bassin)
    chef = User.objects.create_user("bench.chef", password=None)
    RoleAssignment.objects.create(user=chef, role=Role.CHEF_ETABLISSEMENT, etablissement=schools[0])
    return session, dasen, cio, chef, schools[0]


def _median(fn) -> float:
    fn()
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _page_vs_sql(user, url):
    client = Client()
    client.force_login(user)

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as captured:
            page()
    finally:
        request_started.connect(reset_queries)
    statements = [q["sql"] for q in captured.captured_queries]

    def raw():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()

    page_s, raw_s = _median(page), _median(raw)
    return page_s, raw_s, len(statements)


def run() -> dict:
    session, dasen, cio, chef, school = _build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    figures = {}
    for key, user, url in [
        ("docket", dasen, f"/reprepa/commission/seances/{session.public_id}/"),
        ("cio_caseload", cio, "/reprepa/cio/"),
    ]:
        page_s, raw_s, queries = _page_vs_sql(user, url)
        figures[key] = {
            "page_ms": round(page_s * 1000, 2),
            "raw_sql_ms": round(raw_s * 1000, 2),
            "queries": queries,
            "ratio": round(page_s / raw_s, 2),
        }

    # The request for 1,000 letters only records the batch and queues the task.
    from django.test import override_settings

    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.update(task_always_eager=False, broker_url="memory://")
    try:
        client = Client()
        client.force_login(chef)
        # Messages go to an in-memory broker that no worker reads: the rendering is timed
        # below, in this process and in worker processes.
        with override_settings(CELERY_BROKER_URL="memory://"):
            started = time.perf_counter()
            response = client.post("/reprepa/lettres/")
            request_s = time.perf_counter() - started
    finally:
        app.conf.update(task_always_eager=eager)
    assert response.status_code == 302, response.status_code
    batch = BatchJob.objects.get()
    assert batch.total == LETTERS_REQUESTED and batch.state == "en_attente"

    # The worker's time per letter, on a sample of the batch.
    batch.dossier_ids = batch.dossier_ids[:LETTERS_RENDERED]
    batch.total = len(batch.dossier_ids)
    batch.save(update_fields=["dossier_ids", "total"])
    batch.chunks.all().delete()
    BatchChunk.objects.bulk_create(services._chunk_rows(batch))
    started = time.perf_counter()
    services.run_batch(batch_id=batch.pk)
    worker_s = time.perf_counter() - started
    batch.refresh_from_db()
    assert batch.state == "termine", batch.error
    per_letter_ms = worker_s / batch.total * 1000

    summary = (
        f"séance de {DOCKET} dossiers : page {figures['docket']['page_ms']} ms / SQL "
        f"{figures['docket']['raw_sql_ms']} ms (×{figures['docket']['ratio']}, "
        f"{figures['docket']['queries']} requêtes) ; CIO sur {SCHOOLS} établissements : page "
        f"{figures['cio_caseload']['page_ms']} ms / SQL {figures['cio_caseload']['raw_sql_ms']} ms "
        f"(×{figures['cio_caseload']['ratio']}, {figures['cio_caseload']['queries']} requêtes) ; "
        f"demande de {LETTERS_REQUESTED} lettres : {request_s * 1000:.0f} ms ; rendu "
        f"{per_letter_ms:.0f} ms par lettre ({batch.total} lettres, {batch.document.pages} pages)"
    )
    memory, shared = _worker_memory(batch)
    summary += " ; pic de mémoire du processus de rendu (enfants compris) : " + ", ".join(
        f"{m['peak_mb']} Mo pour {size} lettres ({m['seconds']} s, PDF {m['pdf_mb']} Mo)"
        for size, m in memory.items()
    )
    summary += f" ; {shared['letters']} lettres à deux processus en {shared['seconds']} s : " + (
        ", ".join(
            f"{name} {w['chunks']} parts (pic {w['peak_mb']} Mo)"
            for name, w in shared.items()
            if isinstance(w, dict)
        )
    )
    largest = memory[max(memory)]["peak_mb"]
    both = connection.vendor != "postgresql" or all(
        w["chunks"] > 0 for w in shared.values() if isinstance(w, dict)
    )
    print(summary)
    return {
        "summary": summary,
        "letters_rss": memory,
        "letters_shared": shared,
        "target": (
            "nombre de requêtes constant ; demande de lettres immédiate ; mémoire du rendu "
            f"≤ {LETTERS_RSS_TARGET_MB} Mo au plus gros lot ; deux processus se partagent un lot"
        ),
        "passed": request_s < 2.0 and largest <= LETTERS_RSS_TARGET_MB and both,
        **{f"{k}_{m}": v for k, d in figures.items() for m, v in d.items()},
        "letters_request_ms": round(request_s * 1000, 1),
        "worker_ms_per_letter": round(per_letter_ms, 1),
        "letters_rendered": batch.total,
    }


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants (pdfunite included), from /proc."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * page
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def _worker_env() -> dict:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.bench"),
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }


def _run_workers(batch_id: int, names: list[str]) -> dict[str, dict]:
    """Start one worker process per name on the batch, sample each process tree's resident
    memory every 20 ms until they exit; returns per worker its peak (MB) and chunks."""
    import subprocess
    import sys
    from pathlib import Path

    if connection.vendor != "postgresql":
        return _run_in_process(batch_id, names)
    root = Path(__file__).resolve().parent.parent
    env = _worker_env()
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "bench._letter_worker", str(batch_id), name],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    }
    peaks = dict.fromkeys(names, 0)
    while any(p.poll() is None for p in procs.values()):
        for name, p in procs.items():
            if p.poll() is None:
                peaks[name] = max(peaks[name], _tree_rss(p.pid))
        time.sleep(0.02)
    out = {}
    for name, p in procs.items():
        stdout, stderr = p.communicate()
        assert p.returncode == 0, stderr[-2000:]
        chunks = int(stdout.strip().rsplit(":", 1)[-1])
        out[name] = {"peak_mb": round(peaks[name] / 1e6, 1), "chunks": chunks}
    return out


def _run_in_process(batch_id: int, names: list[str]) -> dict[str, dict]:
    """SQLite (its test database lives in this process): the workers run here, one after the
    other; the peak is this process's (the figure that matters is PostgreSQL's)."""
    from bench.imports import RssSampler

    out = {}
    for name in names:
        with RssSampler() as sampler:
            services.run_batch(batch_id=batch_id, worker=name)
        chunks = BatchChunk.objects.filter(batch_id=batch_id, worker=name).count()
        out[name] = {"peak_mb": round(sampler.peak / 1e6, 1), "chunks": chunks}
    return out


def _letter_batch(template: BatchJob, ids: list[int]) -> BatchJob:
    batch = BatchJob.objects.create(
        kind=template.kind,
        dossier_ids=ids,
        total=len(ids),
        school_id=template.school_id,
        departement_id=template.departement_id,
        requested_by_id=template.requested_by_id,
    )
    BatchChunk.objects.bulk_create(services._chunk_rows(batch))
    return batch


def _drop_document(batch: BatchJob) -> None:
    batch.refresh_from_db()
    if batch.document_id:
        batch.document.file.delete(save=False)


def _worker_memory(requested: BatchJob) -> tuple[dict, dict]:
    """Peak resident memory of a worker process (children included) rendering batches of
    growing size, each in a fresh process: flat means no page is kept until the end. Then two
    worker processes on one batch: both render chunks."""
    full_ids = list(
        RepreparationDossier.objects.filter(pk__in=requested.dossier_ids).values_list(
            "pk", flat=True
        )
    )
    memory = {}
    for size in LETTERS_RSS_SIZES:
        ids = (full_ids * (size // max(1, len(full_ids)) + 1))[:size]
        batch = _letter_batch(requested, ids)
        started = time.perf_counter()
        worker = _run_workers(batch.pk, ["seul"])["seul"]
        batch.refresh_from_db()
        assert batch.state == "termine", batch.error
        assert batch.document.pages == size
        memory[size] = {
            "peak_mb": worker["peak_mb"],
            "seconds": round(time.perf_counter() - started, 1),
            "pdf_mb": round(batch.document.file.size / 1e6, 1),
        }
        _drop_document(batch)
    size = LETTERS_SHARED
    ids = (full_ids * (size // max(1, len(full_ids)) + 1))[:size]
    batch = _letter_batch(requested, ids)
    started = time.perf_counter()
    shared = _run_workers(batch.pk, ["worker-1", "worker-2"])
    batch.refresh_from_db()
    assert batch.state == "termine" and batch.document.pages == size, batch.error
    shared = {"letters": size, "seconds": round(time.perf_counter() - started, 1), **shared}
    _drop_document(batch)
    return memory, shared
