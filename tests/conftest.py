"""Shared test world: one académie, two départements, schools, and one account per role.

Persona naming: `owner` acts in its own school, `colleague` reads the same scope from above,
`outsider` holds the same role somewhere else and must get 404 / nothing.
"""

import datetime as dt
import os
from types import SimpleNamespace

import pytest
from django.test import Client

from accounts.enums import Role
from territories.models import Network

from .accounts.factories import RoleAssignmentFactory, UserFactory, pass_second_factor
from .live_server import TrackingLiveServer
from .territories.factories import (
    AcademieFactory,
    BassinFactory,
    CIOFactory,
    DepartementFactory,
    EtablissementFactory,
)

IN_CI = bool(os.environ.get("CI"))


def require_or_skip(condition: bool, reason: str):
    """Outside CI a missing service skips; in CI it fails, so nothing is silently skipped."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"Requis en CI : {reason}")
    pytest.skip(reason)


class Clock:
    """The suite's one clock: `at(when)` stops time there (a date means 10:00 that day, a
    naive datetime is local time) and returns the day; `tick=True` lets it run on from there
    (browser journeys)."""

    def __init__(self, traveller):
        self._traveller = traveller

    def at(self, when: dt.date | dt.datetime, *, tick: bool = False) -> dt.date:
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time(10, 0))
        self._traveller.move_to(when, tick=tick)
        return when.date()


@pytest.fixture
def clock(time_machine):
    return Clock(time_machine)


# What to install or set so that skipped tests run (named in the end-of-run summary).
SKIP_REMEDIES = [
    ("Chromium", "apt-get install chromium poppler-utils"),
    ("PostgreSQL", "DATABASE_URL=postgres://… (voir le README, « Tests »)"),
    ("Redis", "CELERY_TEST_BROKER_URL=redis://… (voir le README, « Tests »)"),
]


def pytest_terminal_summary(terminalreporter):
    """One French line per reason tests did not run, with what makes them run."""
    counts: dict[tuple[str, str], int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        key = (
            "navigateur " if "browser" in report.keywords else "",
            reason.removeprefix("Skipped: "),
        )
        counts[key] = counts.get(key, 0) + 1
    for (kind, reason), count in sorted(counts.items()):
        remedy = next((fix for word, fix in SKIP_REMEDIES if word in reason), "")
        plural = "s" if count > 1 else ""
        line = f"{count} test{plural} {kind}non exécuté{plural} : {reason}"
        terminalreporter.write_line(f"{line} — {remedy}" if remedy else line, yellow=True)


@pytest.fixture
def world(db):
    academie = AcademieFactory(code="DEMO", name="Académie de démonstration")
    dep1 = DepartementFactory(code="077", name="Seine-et-Marne", academie=academie)
    dep2 = DepartementFactory(code="093", name="Seine-Saint-Denis", academie=academie)
    bassin1 = BassinFactory(name="Bassin de Melun", departement=dep1)
    bassin2 = BassinFactory(name="Bassin de Meaux", departement=dep1)
    bassin3 = BassinFactory(name="Bassin de Bobigny", departement=dep2)
    cio1 = CIOFactory(bassin=bassin1, name="CIO de Melun")
    school_a = EtablissementFactory(bassin=bassin1, name="Lycée Léonard de Vinci")
    school_b = EtablissementFactory(bassin=bassin1, name="Lycée Jacques Amyot")
    school_c = EtablissementFactory(bassin=bassin2, name="Lycée Pierre de Coubertin")
    school_d = EtablissementFactory(bassin=bassin3, name="Lycée Louise Michel")
    network = Network.objects.create(name="FoQualE Melun-Meaux", head_school=school_a)
    network.schools.set([school_a, school_c])
    network.departements.set([dep1])

    def account(username, role, **structure):
        user = UserFactory(username=username)
        RoleAssignmentFactory(user=user, role=role, **structure)
        return user

    users = SimpleNamespace(
        chef_a=account("chef_a", Role.CHEF_ETABLISSEMENT, etablissement=school_a),
        referent_a=account("referent_a", Role.REFERENT_DECROCHAGE, etablissement=school_a),
        chef_b=account("chef_b", Role.CHEF_ETABLISSEMENT, etablissement=school_b),
        chef_d=account("chef_d", Role.CHEF_ETABLISSEMENT, etablissement=school_d),
        cio1=account("cio1", Role.DIRECTEUR_CIO, bassin=bassin1),
        dasen1=account("dasen1", Role.IA_DASEN, departement=dep1),
        ienio1=account("ienio1", Role.IEN_IO, departement=dep1),
        commission1=account("commission1", Role.MEMBRE_COMMISSION, departement=dep1),
        mlds1=account("mlds1", Role.COORDONNATEUR_MLDS, departement=dep1),
        dasen2=account("dasen2", Role.IA_DASEN, departement=dep2),
        commission2=account("commission2", Role.MEMBRE_COMMISSION, departement=dep2),
        mlds2=account("mlds2", Role.COORDONNATEUR_MLDS, departement=dep2),
        foquale=account("foquale", Role.RESPONSABLE_FOQUALE, network=network),
        pilot=account("pilot", Role.PILOTE_ACADEMIQUE, academie=academie),
        admin=account("admin", Role.ADMINISTRATEUR, academie=academie),
        norole=UserFactory(username="norole"),
    )
    return SimpleNamespace(
        academie=academie,
        dep1=dep1,
        dep2=dep2,
        bassin1=bassin1,
        bassin2=bassin2,
        bassin3=bassin3,
        cio1=cio1,
        school_a=school_a,
        school_b=school_b,
        school_c=school_c,
        school_d=school_d,
        network=network,
        users=users,
    )


@pytest.fixture
def client_for():
    """A test client logged in as `user`."""

    def make(user):
        client = Client()
        client.force_login(user)
        if user.is_staff or user.is_superuser or user.is_administrator:
            pass_second_factor(client, user)  # always required of them
        return client

    return make


@pytest.fixture
def api_for():
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


# --- Browser tests (Playwright driving Debian's Chromium; never `playwright install`) ---
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"
TEST_PASSWORD = "mot-de-passe-de-test-1"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_or_skip(os.path.exists(CHROMIUM), f"Chromium absent ({CHROMIUM})")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, ending its keep-alive connections before it stops."""
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = TrackingLiveServer(addr)
    yield server
    server.stop()


@pytest.fixture
def browser_login(live_server):
    """Log `user` in through the real login form; returns the page."""

    def login(page, user):
        page.goto(f"{live_server.url}/compte/connexion/")
        page.get_by_label("Identifiant").fill(user.username)
        page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return login
