"""The read log's share of a list page: a CIO director's pupil list (BENCH_LIST_PUPILS in the
bassin) served with its access-log row, against that row's INSERT replayed alone, same run.

Target: the INSERT is under a tenth of the page's server time (median of repeated runs), and
the page issues exactly one INSERT whatever its length.
"""

from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from audit.services import _insert
from students.models import Student

from .student_list import _build, _medians

TARGET = 0.10


def run() -> dict:
    user, _bassin = _build()
    client = Client()
    client.force_login(user)

    def page():
        response = client.get("/eleves/", {"page": 2})
        assert response.status_code == 200, response.status_code

    page()
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as captured:
            page()
    finally:
        request_started.connect(reset_queries)
    queries = [q["sql"] for q in captured.captured_queries]
    inserts = [sql for sql in queries if sql.startswith("INSERT")]
    assert len(inserts) == 1 and "audit_accesslog" in inserts[0], inserts
    row = AccessLog.objects.order_by("-id").first()
    fields = [
        f for f in AccessLog._meta.concrete_fields if f.name not in ("id",) and not f.primary_key
    ]
    values = [getattr(row, f.attname) for f in fields]

    def insert_alone():
        # Through the same helper as the page (one transaction, one INSERT).
        _insert(AccessLog(**{f.attname: v for f, v in zip(fields, values, strict=True)}))

    page_s, insert_s = _medians(page, insert_alone)
    share = insert_s / page_s
    summary = (
        f"liste de {row.row_count} élèves ({len(row.student_ids)} octets d'identifiants) : "
        f"page {page_s * 1000:.1f} ms, ligne du journal {insert_s * 1000:.2f} ms "
        f"({share:.1%} de la page), {len(queries)} requêtes dont 1 INSERT"
    )
    print(summary)
    AccessLog.objects.all().delete()
    Student.objects.all().delete()
    return {
        "summary": summary,
        "target": f"ligne du journal < {TARGET:.0%} de la page",
        "passed": share < TARGET,
        "page_ms": round(page_s * 1000, 2),
        "insert_ms": round(insert_s * 1000, 3),
        "share": round(share, 4),
    }
