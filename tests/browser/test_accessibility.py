"""axe-core on every page state of every demo role, at 1280 px and 390 px.

The demo académie (`load_demo`) gives each role real lists, records and forms. Each role's
pages are found from its home page by following its links with the role's session (up to
`STATES_PER_ROUTE` URLs of a route, so that a record in another state counts as another page),
then opened in Chromium; axe-core (bundled by axe-playwright-python) runs on each at both
widths. Any violation of impact "serious" or "critical" fails the test, and the report lists
every one (rule, page, role, width, elements).

Kept fast enough for every CI run:
- a (role, page) pair is opened in the browser only when its content has a structure not seen
  yet (a cheap fingerprint of the rendered HTML: elements, classes, ARIA attributes and the
  routes of links and forms, text left out), or its header and menu are new; when only the
  content is new, axe looks at `<main>` alone;
- one browser context per role, reused for all its pages; axe-core injected once per page and
  run at both widths; only the rules that can report a serious or critical violation run;
- roles are walked in parallel contexts on PostgreSQL (SQLite's in-memory test database is one
  connection shared by the live server's threads: there they go one after the other).
The output says how many pairs were found, checked and recognised as identical. On every
pair found, the menu must mark the current page (one entry at most, the page's own if any).
"""

import asyncio
import hashlib
import io
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve
from playwright.async_api import async_playwright

from accounts.models import User

from ..accounts.factories import pass_second_factor

pytestmark = pytest.mark.browser

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
ROUTES_PER_ROLE = 60
STATES_PER_ROUTE = 2
# Leaving them would end the session, change the active role, or download a file.
SKIPPED_ROUTES = {"compte/deconnexion/", "compte/role/", "mlds/export.csv"}
SKIPPED_PREFIXES = ("api/", "healthz", "media/", "static/", "admin/")
ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/admin/notifications/schoolcalendar/"]
ANONYMOUS_PAGES = ["/compte/connexion/", "/nulle-part/", "/accessibilite/"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Attributes whose value shapes what axe checks; ids, hrefs and text are left out.
SHAPING = {"role", "type", "scope", "tabindex", "disabled", "hidden", "open", "multiple"}
SHAPING_PREFIXES = ("aria-", "data-fr")

# The ids of the enabled rules that can report a serious or critical violation: the others
# can never fail this test, so they do not run.
BLOCKING_RULES_JS = """() => {
  const rank = {minor: 0, moderate: 1, serious: 2, critical: 3};
  const checks = axe._audit.data.checks;
  return axe._audit.rules.filter(rule => {
    if (rule.enabled === false || rule.tags.includes("experimental")) return false;
    const ids = [...rule.any, ...rule.all, ...rule.none].map(c => c.id || c);
    const impacts = [rule.impact, ...ids.map(id => (checks[id] || {}).impact)];
    return Math.max(...impacts.map(i => rank[i] ?? -1)) >= rank.serious;
  }).map(rule => rule.id);
}"""


def _route(path):
    try:
        return resolve(path).route
    except Resolver404:
        return None


class _Shape(HTMLParser):
    """Links of a page, and the structure of its `<main>` and of the rest (header, menu,
    footer) as sets of element signatures: repeated rows, changing text and link targets do
    not count, except the menu's entries (but not which one is current)."""

    def __init__(self):
        super().__init__()
        self.links, self.main, self.chrome = [], set(), set()
        self.menu = []  # (href, is the current page) of each menu entry
        self._main_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if "fr-nav__link" in (attrs.get("class") or ""):
                self.menu.append((attrs["href"], attrs.get("aria-current") == "page"))
        if tag == "main":
            self._main_depth += 1
        signature = (
            tag,
            attrs.get("class") or "",
            tuple(sorted(k for k in attrs if k.startswith(SHAPING_PREFIXES) or k in SHAPING)),
            tuple(attrs.get(k) or "" for k in ("role", "type", "scope")),
        )
        if self._main_depth:
            self.main.add(signature)
            return
        self.chrome.add(signature)
        # The menu: which entries the role has, not which one is the current page.
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.chrome.add(("menu", _route(urlsplit(attrs["href"]).path)))

    def handle_endtag(self, tag):
        if tag == "main" and self._main_depth:
            self._main_depth -= 1


def _digest(signatures) -> str:
    return hashlib.blake2b(repr(sorted(signatures)).encode(), digest_size=8).hexdigest()


@dataclass
class Pair:
    """One page as one role sees it."""

    role: str
    path: str
    main: str = ""
    chrome: str = ""
    scope: str = "page"  # or "main": the header and menu were checked on another page


@dataclass
class Walk:
    pairs: list[Pair] = field(default_factory=list)
    found: int = 0
    seen_main: set = field(default_factory=set)
    seen_chrome: set = field(default_factory=set)
    menu_errors: list = field(default_factory=list)

    def check_menu(self, role: str, path: str, menu: list) -> None:
        """The menu marks at most one entry as the current page, and the entry of this very
        address when it has one."""
        current = [href for href, is_current in menu if is_current]
        own = [href for href, _ in menu if urlsplit(href).path == path]
        if len(current) > 1 or (own and not set(own) & set(current)):
            self.menu_errors.append(f"{path} ({role}) : entrée courante {current or 'aucune'}")

    def offer(self, pair: Pair) -> None:
        """Keep the pair unless a page of the same structure and the same chrome was kept."""
        self.found += 1
        content = (_route(pair.path), pair.main)
        new_main = content not in self.seen_main
        new_chrome = pair.chrome not in self.seen_chrome
        if not (new_main or new_chrome):
            return
        self.seen_main.add(content)
        self.seen_chrome.add(pair.chrome)
        pair.scope = "page" if new_chrome else "main"
        self.pairs.append(pair)


def role_pages(client, role: str, walk: Walk) -> None:
    """Offer to `walk` the HTML pages `role` reaches from its home page: up to
    STATES_PER_ROUTE URLs of each route, those whose content differs from the previous ones."""
    queue, tried, visited, routes = ["/"], {}, set(), set()
    while queue:
        path = queue.pop(0)
        route = _route(path)
        if path in visited or route is None or route in SKIPPED_ROUTES:
            continue
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if tried.get(route, 0) >= STATES_PER_ROUTE:
            continue
        if route not in routes and len(routes) >= ROUTES_PER_ROLE:
            continue
        visited.add(path)
        tried[route] = tried.get(route, 0) + 1
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        routes.add(route)
        shape = _Shape()
        shape.feed(response.content.decode(errors="replace"))
        walk.offer(Pair(role, path, _digest(shape.main), _digest(shape.chrome)))
        walk.check_menu(role, path, shape.menu)
        for href in shape.links:
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/"):
                queue.append(parts.path)


def _session_for(user):
    client = Client()
    client.force_login(user)
    if user.is_staff or user.is_superuser or user.is_administrator:
        pass_second_factor(client, user)
    return client


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--pupils", "300", stdout=io.StringIO())


def _report(violations, where) -> list[str]:
    found = []
    for violation in violations:
        if violation.get("impact") not in BLOCKING:
            continue
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:4]]
        found.append(
            f"[{violation['impact']}] {violation['id']} — {violation['help']}\n"
            f"    {where}\n    éléments : {' | '.join(targets)}"
        )
    return found


async def _check_role(browser, base_url, cookies, pairs, failures):
    context = await browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    await context.add_cookies([{**cookie, "url": base_url} for cookie in cookies])
    page = await context.new_page()
    rules = None
    for pair in pairs:
        await page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        await page.goto(base_url + pair.path, wait_until="domcontentloaded")
        if not pair.path.startswith("/admin/"):
            await page.wait_for_selector("html[data-fr-js='true']", state="attached")
        await page.evaluate(AXE_SCRIPT)
        if rules is None:
            rules = await page.evaluate(BLOCKING_RULES_JS)
        options = {"resultTypes": ["violations"], "runOnly": {"type": "rule", "values": rules}}
        target = "document" if pair.scope == "page" else "document.querySelector('main')"
        for width in WIDTHS:
            if width != WIDTHS[0]:
                await page.set_viewport_size({"width": width, "height": 900})
            results = await page.evaluate(f"options => axe.run({target}, options)", options)
            where = f"{pair.path} ({pair.role}) à {width} px"
            failures += _report(results["violations"], where)
    await context.close()


async def _check_all(launch_args, base_url, jobs, parallel):
    failures = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_args)
        limit = asyncio.Semaphore(parallel)

        async def one(cookies, pairs):
            async with limit:
                await _check_role(browser, base_url, cookies, pairs, failures)

        try:
            await asyncio.gather(*(one(cookies, pairs) for cookies, pairs in jobs))
        finally:
            await browser.close()
    return failures


def test_every_page_state_of_every_role_has_no_serious_accessibility_violation(
    demo, live_server, browser_type_launch_args
):
    started = time.perf_counter()
    walk = Walk()
    jobs = []
    anonymous = Client()
    for path in ANONYMOUS_PAGES:
        shape = _Shape()
        shape.feed(anonymous.get(path).content.decode(errors="replace"))
        walk.offer(Pair("anonyme", path, _digest(shape.main), _digest(shape.chrome)))
    jobs.append(([], walk.pairs[:]))
    for username in DEMO_ROLES:
        client = _session_for(User.objects.get(username=username))
        start = len(walk.pairs)
        role_pages(client, username, walk)
        if username == "admin":
            walk.pairs += [Pair(username, path) for path in ADMIN_PAGES]
        cookies = [{"name": name, "value": m.value} for name, m in client.cookies.items()]
        jobs.append((cookies, walk.pairs[start:]))
    # Parallel contexts only where the live server's threads have their own connections.
    parallel = 1 if connection.vendor == "sqlite" else min(3, os.cpu_count() or 1)
    found_in = time.perf_counter() - started
    with ThreadPoolExecutor(1) as pool:
        failures = pool.submit(
            asyncio.run, _check_all(browser_type_launch_args, live_server.url, jobs, parallel)
        ).result()

    checked = len(walk.pairs)
    print(
        f"\naxe-core : {walk.found} paires (rôle, page) parcourues, {checked} vérifiées "
        f"à {' et '.join(map(str, WIDTHS))} px ({sum(p.scope == 'main' for p in walk.pairs)} "
        f"sur le seul contenu, en-tête et menu déjà vérifiés), {walk.found - checked} "
        f"identiques à une paire déjà vérifiée ; pages trouvées en {found_in:.0f} s, "
        f"vérifiées en {time.perf_counter() - started - found_in:.0f} s "
        f"({parallel} contexte{'s' if parallel > 1 else ''} en parallèle)",
        flush=True,
    )
    for username in DEMO_ROLES:
        assert any(p.role == username for p in walk.pairs), username
    assert checked > 60, checked
    assert not walk.menu_errors, "menu :\n" + "\n".join(walk.menu_errors)
    assert not failures, f"{len(failures)} violation(s) axe-core :\n" + "\n".join(failures)
