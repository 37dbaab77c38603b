"""Every URL, for every demo role, with hostile parameters: never a 5xx.

The demo académie (`load_demo`, a few hundred pupils, every module) gives real objects. Each
role's pages are crawled from its home page (links and forms), so paths carry real ids the role
may open; then every route receives hostile query values (NUL, huge and negative numbers, not a
UUID, unicode controls, very long strings, repeated parameters) on every parameter name the
code reads, hostile path values in place of its non-UUID segments, hostile POST bodies on every
form, and malformed files on every upload form. Values are spread over the roles that reach a
route so that each route gets every hostile value once: the run stays within a few minutes.
"""

import io
import itertools
import re
import struct
import zipfile
import zlib
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

from accounts.models import User

from ..accounts.test_url_scopes import walk

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DEMO_ACCOUNTS = [
    "chef.lycee",
    "referent.lycee",
    "chef.college",
    "directeur.cio",
    "commission.77",
    "ienio.77",
    "dasen.77",
    "mlds.77",
    "dasen.93",
    "foquale",
    "pilote",
    "admin",
]
# Leaving them would end the crawl (log out) or change the account's role mid-run.
SKIPPED_ROUTES = {"compte/deconnexion/", "compte/role/"}
HOSTILE = [
    "\x00",
    "a\x00b",
    "9" * 40,
    "-1",
    "-99999999999999999999",
    "pas-un-uuid",
    "00000000-0000-0000-0000-000000000000",
    "é🙂\u202e\ufeff\u0301",
    "x" * 5000,
    "1e309",
    "NaN",
    "' OR '1'='1",
    "../../etc/passwd",
    "2026-02-30",
    "<script>alert(1)</script>",
    "",
]
HOSTILE_PATH = ["\x00", "9" * 40, "-1", "é🙂\u202e", "x" * 300, "pas-un-uuid", "%"]


def parameter_names() -> list[str]:
    """Every GET/POST parameter the code reads by name, and every field of every form or
    filter set of the project."""
    names = set()
    pattern = re.compile(r"""(?:GET|POST|query_params|data)(?:\.get\(|\[)\s*["'](\w+)["']""")
    for source in ROOT.glob("*/**/*.py"):
        if {".venv", "tests", "migrations"} & set(source.parts):
            continue
        names.update(pattern.findall(source.read_text()))
    import django_filters
    from django import forms

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    project = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    for cls in itertools.chain(subclasses(forms.BaseForm), subclasses(django_filters.FilterSet)):
        if cls.__module__.split(".")[0] in project:
            names.update(getattr(cls, "base_fields", {}) or {})
            names.update(getattr(cls, "base_filters", {}) or {})
    names.update({"page", "page_size", "format", "ordering", "search", "cursor"})
    return sorted(names)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "multipart": "multipart" in (attrs.get("enctype") or ""),
                "fields": {},
                "files": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            if attrs.get("type") == "file":
                self._form["files"].append(name)
            else:
                self._form["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def route_of(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None, None
    return match.route, match


def png_bytes():
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    raw = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eleves.csv", "INE;NOM\n123;X\n")
    return buffer.getvalue()


MALFORMED_FILES = {
    "cr-seulement.csv": b"INE;NOM;PRENOM\r123456789AB;DURAND;Paul\r",
    "utf16.csv": "INE;NOM;PRENOM\n123456789AB;DURAND;Zoé\n".encode("utf-16"),
    "champ-2mo.csv": b"INE;NOM\n" + b"A" * (2 * 1024 * 1024) + b";X\n",
    "image.csv": png_bytes(),
    "archive.csv": zip_bytes(),
    "vide.csv": b"",
    "nul.csv": b"INE;NOM\n\x00\x00\x00;\x00\n",
}


class Fuzzer:
    def __init__(self):
        self.failures = []
        self.requests = 0

    def call(self, client, method, path, data=None, label=""):
        self.requests += 1
        try:
            if method == "get":
                response = client.get(path, data or {})
            else:
                response = client.post(path, data or {})
        except Exception as exc:  # noqa: BLE001 - an exception is what a 500 would be
            self.failures.append(f"{label} {method.upper()} {path} → {exc!r} {_short(data)}"[:300])
            return None
        if response.status_code >= 500:
            self.failures.append(
                f"{label} {method.upper()} {path} → {response.status_code} {_short(data)}"[:300]
            )
        return response


def _short(data):
    return {k: (str(v)[:40] if not isinstance(v, list) else "[…]") for k, v in (data or {}).items()}


def crawl(client, fuzzer, label, api_lists, limit=120):
    """Real URLs the role reaches from its home page: one per route, plus its forms."""
    seen_routes, pages, forms_found = set(), {}, {}
    queue = ["/", *api_lists]
    while queue and len(pages) < limit:
        path = queue.pop(0)
        route, _ = route_of(urlsplit(path).path)
        if route is None or route in seen_routes or route in SKIPPED_ROUTES:
            continue
        if route.startswith("admin/") or route in ("api/schema/", "api/docs/"):
            continue
        seen_routes.add(route)
        response = fuzzer.call(client, "get", path, label=label)
        if response is None or response.status_code != 200:
            continue
        pages[route] = urlsplit(path).path
        content_type = response.get("Content-Type", "")
        if "html" not in content_type:
            continue
        parser = Links()
        parser.feed(response.content.decode(errors="replace"))
        for href in parser.links:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            queue.append(parts.path)
        for form in parser.forms:
            action = urlsplit(form["action"]).path or urlsplit(path).path
            form_route, _ = route_of(action)
            if form_route and form_route not in SKIPPED_ROUTES:
                forms_found.setdefault((form_route, form["method"]), (action, form))
    return pages, forms_found


def hostile_query(names, value, repeat):
    if repeat:
        return {name: [value, HOSTILE[len(name) % len(HOSTILE)]] for name in names}
    return dict.fromkeys(names, value)


def hostile_paths(path):
    """The same path with each non-UUID segment replaced by hostile values."""
    _, match = route_of(path)
    if match is None:
        return []
    out = []
    for key in match.kwargs:
        if f"<uuid:{key}>" in match.route:
            continue
        for value in HOSTILE_PATH:
            kwargs = {**match.kwargs, key: value}
            try:
                out.append(reverse(match.view_name, kwargs=kwargs))
            except NoReverseMatch:
                continue
    return out


@pytest.fixture
def demo(db):
    call_command("load_demo", "--pupils", "400", stdout=io.StringIO())
    User.objects.create_user("sans.role", password="x")


def test_no_url_answers_5xx_to_hostile_parameters(demo):
    names = parameter_names()
    fuzzer = Fuzzer()
    api_lists = [
        "/" + route
        for _, route, _ in walk(get_resolver().url_patterns)
        if route.startswith("api/v1/") and "(?P<" not in route and "<" not in route
    ]
    api_lists = [r.replace("^", "").replace("$", "") for r in api_lists]
    clients, reached, posts = {}, defaultdict(list), defaultdict(list)
    for username in [*DEMO_ACCOUNTS, "sans.role"]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[username] = client
        pages, forms_found = crawl(client, fuzzer, username, api_lists)
        for route, path in pages.items():
            reached[route].append((username, path))
        for (route, method), (action, form) in forms_found.items():
            posts[(route, method)].append((username, action, form))

    # Hostile query values: each route gets every value once, spread over the roles reaching it.
    for holders in reached.values():
        for i, value in enumerate(HOSTILE):
            username, path = holders[i % len(holders)]
            data = hostile_query(names, value, repeat=i % 2 == 1)
            fuzzer.call(clients[username], "get", path, data, label=username)
        username, path = holders[0]
        for bad_path in hostile_paths(path):
            fuzzer.call(clients[username], "get", bad_path, label=username)

    # Hostile bodies on every form, and malformed files on every upload.
    for (_route, method), holders in posts.items():
        for i, value in enumerate(HOSTILE[:6]):
            username, action, form = holders[i % len(holders)]
            data = dict.fromkeys(form["fields"], value)
            data.update(hostile_query(names[:40], value, repeat=False))
            fuzzer.call(clients[username], method, action, data, label=username)
        files = [h for h in holders if h[2]["files"]]
        for j, (name, content) in enumerate(MALFORMED_FILES.items()):
            if not files:
                break
            username, action, form = files[j % len(files)]
            data = dict(form["fields"])
            for field in form["files"]:
                data[field] = SimpleUploadedFile(name, content, content_type="text/csv")
            fuzzer.call(clients[username], "post", action, data, label=username)

    uploads = {
        route for (route, _), holders in posts.items() if any(h[2]["files"] for h in holders)
    }
    assert {"prevention/signaux/import/", "mlds/siei/"} <= uploads, uploads
    assert len(reached) >= 60, sorted(reached)
    assert not fuzzer.failures, f"{len(fuzzer.failures)} / {fuzzer.requests}:\n" + "\n".join(
        fuzzer.failures[:60]
    )
