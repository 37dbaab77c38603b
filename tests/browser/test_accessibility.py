"""axe-core on every page of every demo role's journey, at 1280 px and 390 px.

The demo académie (`load_demo`) gives each role real lists, records and forms. Each role's
pages are found from its home page (links, one page per route, as the role reaches them), then
opened in Chromium with the role's session; axe-core (bundled by axe-playwright-python) runs on
each page at both widths. Any violation of impact "serious" or "critical" fails the test, and
the report lists every one (rule, page, role, width, elements).
"""

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import User

from ..accounts.factories import pass_second_factor

DEMO_ROLES = [
    "chef.lycee",
    "referent.lycee",
    "chef.college",
    "directeur.cio",
    "commission.77",
    "ienio.77",
    "dasen.77",
    "mlds.77",
    "foquale",
    "pilote",
    "admin",
]
WIDTHS = (1280, 390)
BLOCKING = {"serious", "critical"}
PAGES_PER_ROLE = 45
# Leaving them would end the session, change the active role, or download a file.
SKIPPED_ROUTES = {"compte/deconnexion/", "compte/role/", "mlds/export.csv"}
SKIPPED_PREFIXES = ("api/", "healthz", "media/", "static/")
ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/admin/notifications/schoolcalendar/"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _route(path):
    try:
        return resolve(path).route
    except Resolver404:
        return None


def role_pages(client, limit=PAGES_PER_ROLE):
    """HTML pages the role reaches from its home page: the first real URL of each route."""
    seen, pages, queue = set(), [], ["/"]
    while queue and len(pages) < limit:
        path = queue.pop(0)
        route = _route(path)
        if route is None or route in seen or route in SKIPPED_ROUTES:
            continue
        if route.startswith(SKIPPED_PREFIXES) or route.startswith("admin/"):
            continue
        seen.add(route)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages.append(path)
        parser = _Links()
        parser.feed(response.content.decode(errors="replace"))
        for href in parser.links:
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path)
    return pages


def _session_for(user):
    client = Client()
    client.force_login(user)
    if user.is_staff or user.is_superuser or user.is_administrator:
        pass_second_factor(client, user)
    return client


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--pupils", "300", stdout=io.StringIO())


def _violations(axe, page, where):
    results = axe.run(page, options={"resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:4]]
        found.append(
            f"[{violation['impact']}] {violation['id']} — {violation['help']}\n"
            f"    {where}\n    éléments : {' | '.join(targets)}"
        )
    return found


def _check(axe, page, url, where, failures):
    page.goto(url)
    if "/admin/" not in url:
        page.wait_for_selector("html[data-fr-js='true']", state="attached", timeout=10000)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        failures += _violations(axe, page, f"{where} à {width} px")


def test_every_page_of_every_role_has_no_serious_accessibility_violation(
    demo, live_server, browser
):
    axe = Axe()
    failures, checked = [], set()
    # Anonymous pages first: login and a page that does not exist.
    context = browser.new_context()
    page = context.new_page()
    for path in ("/compte/connexion/", "/nulle-part/"):
        _check(axe, page, live_server.url + path, f"{path} (anonyme)", failures)
    context.close()

    for username in DEMO_ROLES:
        user = User.objects.get(username=username)
        client = _session_for(user)
        # Each route once across roles (the first role reaching it), and every home page.
        pages = [p for p in role_pages(client) if _route(p) == "" or _route(p) not in checked]
        if username == "admin":
            pages += ADMIN_PAGES
        context = browser.new_context()
        context.add_cookies(
            [
                {"name": name, "value": morsel.value, "url": live_server.url}
                for name, morsel in client.cookies.items()
            ]
        )
        page = context.new_page()
        print(f"{username} : {len(pages)} page(s)", flush=True)
        for path in pages:
            checked.add(_route(path))
            _check(axe, page, live_server.url + path, f"{path} ({username})", failures)
        context.close()

    assert len(checked) > 40, sorted(checked)
    assert not failures, f"{len(failures)} violation(s) axe-core :\n" + "\n".join(failures)
