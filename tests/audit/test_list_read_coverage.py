"""Every page, export and API list that shows named pupils leaves exactly one read-log row
per request, naming at least the pupils it showed.

The demo académie gives real data; each demo role's pages are crawled from its home page and
the API lists, and each response is searched for a pupil (displayed name "NOM Prénom", INE or
public id). A page added later that names pupils without logging the read fails here.
"""

import io
import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver

from accounts.models import User
from audit.models import AccessLog
from audit.services import LIST
from students.models import Student

from ..accounts.factories import pass_second_factor
from ..accounts.test_url_scopes import walk
from ..security.test_fuzz_urls import DEMO_ACCOUNTS, SKIPPED_ROUTES, Links, route_of

pytestmark = pytest.mark.django_db
PAGES_PER_ROLE = 150


@pytest.fixture
def demo(db):
    call_command("load_demo", "--pupils", "300", stdout=io.StringIO())


def _pupil_finder():
    """A regex over every pupil's displayed name, INE and public id, and what each names."""
    owner = defaultdict(set)  # homonyms: a displayed name may be any of them
    for pk, public_id, ine, last, first in Student.objects.values_list(
        "pk", "public_id", "ine", "last_name", "first_name"
    ):
        owner[Student.display_name(last, first)].add(pk)
        owner[str(public_id)].add(pk)
        if ine:
            owner[ine].add(pk)
    keys = sorted(owner, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return pattern, owner


def _api_lists():
    routes = [
        "/" + route.replace("^", "").replace("$", "")
        for _, route, _ in walk(get_resolver().url_patterns)
        if route.startswith("api/v1/") and "(?P<" not in route and "<" not in route
    ]
    return [r for r in routes if not r.endswith("/lu/")]


def _crawl(client, visit, limit=PAGES_PER_ROLE):
    seen, queue, count = set(), ["/", *_api_lists()], 0
    while queue and count < limit:
        path = queue.pop(0)
        route, _ = route_of(urlsplit(path).path)
        if route is None or route in SKIPPED_ROUTES or (route, path) in seen:
            continue
        if route.startswith("admin/") or route in ("api/schema/", "api/docs/"):
            continue
        # One visit per route, except the detail pages of several cases.
        if sum(1 for r, _ in seen if r == route) >= 2:
            continue
        seen.add((route, path))
        count += 1
        status, content_type, body = visit(path)
        if status != 200 or "html" not in content_type:
            continue
        parser = Links()
        parser.feed(body)
        for href in parser.links:
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(href if parts.query else parts.path)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode("utf-8", errors="replace")


def test_every_response_naming_pupils_logs_one_row_naming_them(demo):
    pattern, owner = _pupil_finder()
    problems, logged_routes = [], set()
    for username in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if user.is_staff or user.is_superuser or user.is_administrator:
            pass_second_factor(client, user)

        def visit(path, client=client, username=username, user=user):
            before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = client.get(path)
            content_type = response.get("Content-Type", "")
            if response.status_code != 200:
                return response.status_code, content_type, ""
            body = _body(response)
            named = {frozenset(owner[m]) for m in pattern.findall(body)}
            rows = list(AccessLog.objects.filter(id__gt=before, user=user))
            if named:
                route = route_of(urlsplit(path).path)[0]
                logged = {pk for row in rows for pk in row.student_pks}
                if len(rows) != 1:
                    problems.append(f"{username} {path}: {len(rows)} ligne(s) de journal")
                elif route == "tracabilite/consultations/":
                    # The access log shows the ids of the records read; its own row names the
                    # pupils of the lists shown and those searched for.
                    logged_routes.add(route)
                elif rows[0].object_id != LIST and frozenset.intersection(*named):
                    # A case's own page: the row names the case, which names its pupil (the
                    # pupil's name may also be a homonym's: every match shares that pupil).
                    logged_routes.add(route)
                elif missing := [pks for pks in named if not pks & logged]:
                    problems.append(
                        f"{username} {path}: {len(missing)} élève(s) affiché(s) absents du journal"
                    )
                else:
                    logged_routes.add(route)
            return response.status_code, content_type, body

        _crawl(client, visit)
    assert not problems, "\n".join(sorted(set(problems)))
    # The crawl reached the lists the review named (a broken crawl must not pass silently).
    for route in (
        "",
        "eleves/",
        "reprepa/",
        "mlds/",
        "mlds/signaler/",
        "notifications/",
        "api/v1/echeances/$",
    ):
        assert route in logged_routes, (route, sorted(logged_routes))
