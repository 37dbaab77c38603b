"""Results day under load (PostgreSQL only): gunicorn with the production settings on loopback,
logged-in clients replaying the mix of the day, at 8, 16 then 32 concurrent clients.

    python -m bench results_day          # or: make bench-results-day

Builds the demo académie (`load_demo --pupils BENCH_RESULTS_DAY_PUPILS`, 20,000 by default;
its accounts, last session's results, dossiers and commission session), collects the static
files, then starts `gunicorn config.wsgi` with `config.settings.production` on 127.0.0.1
(DEBUG off, a SECRET_KEY and ALLOWED_HOSTS made for the run, the shared Redis cache of
CACHE_URL or redis://127.0.0.1:6379/4, `BENCH_RESULTS_DAY_WORKERS` sync workers, 3 as in
the Dockerfile; TLS is the proxy's, so each request carries `X-Forwarded-Proto: https`).

Each client logs in through the login form (its own session cookie) and loops, closed-loop,
over its profile:
- heads (`chef.lycee`): upload a small results file (the upload URL as users call it: it
  starts an upload job and answers with its progress page, opened once), open a dossier,
  open a pupil's page, `/healthz`;
- CIO (`directeur.cio`): dashboard, CIO follow-up, a dossier, a pupil's page;
- commission (`commission.77`): the session's docket;
- steering (`pilote`, `foquale`, `dasen.77` in turn): their dashboard, the reports API and
  its CSV (établissement × voie, allowed from every steering scope), `/healthz`.
Each level runs `BENCH_RESULTS_DAY_SECONDS` (40) seconds or `BENCH_RESULTS_DAY_MAX` (4,000)
requests, whichever comes first; levels in `BENCH_RESULTS_DAY_CLIENTS` ("8,16,32").
Reports p50 / p95 / p99 per page and the share of requests over 1 s; target (issue 16,
point 2): the p95 of every dashboard, of the reports API and of its CSV ≤ 5 × the pupil
page's p95, at each level.
"""

import contextlib
import io
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
ON_DEMAND = True  # not part of `make bench`: run by name (it starts gunicorn for minutes)
PUPILS = int(os.environ.get("BENCH_RESULTS_DAY_PUPILS", "20000"))
SECONDS = float(os.environ.get("BENCH_RESULTS_DAY_SECONDS", "40"))
MAX_REQUESTS = int(os.environ.get("BENCH_RESULTS_DAY_MAX", "4000"))
LEVELS = [int(n) for n in os.environ.get("BENCH_RESULTS_DAY_CLIENTS", "8,16,32").split(",")]
WORKERS = int(os.environ.get("BENCH_RESULTS_DAY_WORKERS", "3"))
UPLOAD_ROWS = 10
ACCOUNTS = ("chef.lycee", "directeur.cio", "commission.77", "pilote", "foquale", "dasen.77")
PASSWORD = "Secuparcours-demo-2026"
TARGET = 5.0
SLOW = 1.0
PUPIL_PAGE = "fiche élève"
# The reports API and its CSV, as a steering client pulls them (issue 16, point 2).
REPORT = "/api/v1/indicateurs/decrochage/"
REPORT_QUERY = "territoire=etablissement&par=voie"
STEERING_API = "API indicateurs (établissement × voie)"
STEERING_CSV = "CSV indicateurs (établissement × voie)"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _server_env(port: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/4"),
        "PASSWORD_LOGIN_ENABLED": "true",
        "SECOND_FACTOR_FOR_PASSWORD_LOGIN": "false",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "SENTRY_DSN": "",
    }
    # The load test's own clients are many sessions of a few accounts, from one address.
    env.setdefault("API_THROTTLE_USER", "1000000/hour")
    return env


@contextlib.contextmanager
def _gunicorn(port: int):
    env = _server_env(port)
    if not _static_fresh():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
            "--timeout", "30", "--error-logfile", "-", "--log-level", "warning",
        ],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_ready(port, server)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _static_fresh() -> bool:
    """The production static files (manifest) are newer than the sources and the lock file:
    collectstatic (a few minutes on a loaded machine) is then skipped."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [ROOT / "uv.lock", *(p for p in (ROOT / "static").rglob("*") if p.is_file())]
    return manifest.stat().st_mtime >= max(p.stat().st_mtime for p in sources)


def _wait_ready(port: int, server) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté (code {server.returncode})")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz/live", timeout=2).status_code < 500:
                return
        time.sleep(0.5)
    raise RuntimeError("gunicorn ne répond pas après 60 s")


class Session:
    """One logged-in browser: its own cookies (set by hand: the production cookies are
    `Secure`, the TLS being the proxy's), the CSRF token of its session."""

    def __init__(self, port: int):
        import httpx

        self.origin = f"https://127.0.0.1:{port}"
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=60, follow_redirects=False
        )
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, url: str, **kwargs):
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": self.origin + url,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        response = self.http.request(method, url, headers=headers, **kwargs)
        self.http.cookies.clear()
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def login(self, username: str) -> None:
        page = self.request("GET", "/compte/connexion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        done = self.request(
            "POST",
            "/compte/connexion/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if done.status_code != 302:
            raise RuntimeError(f"connexion refusée pour {username} ({done.status_code})")
        home = self.request("GET", "/")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text)
        self.csrf = found.group(1) if found else self.cookies.get("csrftoken", "")


def _links(session: Session, url: str, pattern: str) -> list[str]:
    text = session.request("GET", url).text
    return sorted(set(re.findall(pattern, text)))


def _results_files(session_year: int, clients: int) -> list[bytes]:
    """Small results files of chef.lycee's terminales, one slice of pupils per head client
    (so that two uploads never write the same rows at once); re-uploads update in place."""
    from accounts.models import User
    from dossiers.demo import LEVEL_EXAM
    from students.enums import Level
    from students.models import Student

    school = User.objects.get(username="chef.lycee").roles[0].etablissement
    pupils = list(
        Student.objects.filter(
            current_school=school, level=Level.TERMINALE_PRO, ine__isnull=False
        ).order_by("-id")[: UPLOAD_ROWS * clients]
    )
    exam, specialty, codes = LEVEL_EXAM[Level.TERMINALE_PRO]
    header = "ine;examen;serie_specialite;session;resultat;moyenne;" + ";".join(
        f"note_{code}" for code in codes
    )
    files = []
    for n in range(clients):
        chunk = pupils[n * UPLOAD_ROWS : (n + 1) * UPLOAD_ROWS] or pupils[:UPLOAD_ROWS]
        lines = [
            f"{p.ine};{exam};{specialty};{session_year};ajourne;8,5;"
            + ";".join("8,5" for _ in codes)
            for p in chunk
        ]
        files.append(("\n".join([header, *lines]) + "\n").encode())
    return files


def _profiles(targets: dict, upload: bytes | None, index: int):
    """The account and the looping list of (page, method, url, extra) of client `index`."""
    dossier = targets["dossiers"][index % len(targets["dossiers"])] if targets["dossiers"] else None
    pupil = targets["pupils"][index % len(targets["pupils"])]
    kind = index % 4
    if kind == 0:
        steps = [("dépôt des résultats", "POST", "/reprepa/import/", upload)]
        if dossier:
            steps.append(("dossier", "GET", dossier, None))
        steps += [(PUPIL_PAGE, "GET", pupil, None), ("/healthz", "GET", "/healthz", None)]
        return "chef.lycee", steps
    if kind == 1:
        steps = [
            ("tableau de bord directeur.cio", "GET", "/", None),
            ("suivi CIO", "GET", "/reprepa/cio/", None),
            (PUPIL_PAGE, "GET", pupil, None),
        ]
        if dossier:
            steps.append(("dossier", "GET", dossier, None))
        return "directeur.cio", steps
    if kind == 2 and targets["dockets"]:
        docket = targets["dockets"][index % len(targets["dockets"])]
        return "commission.77", [
            ("ordre du jour de la commission", "GET", docket, None),
            ("/healthz", "GET", "/healthz", None),
        ]
    account = ("pilote", "foquale", "dasen.77")[(index // 4) % 3]
    return account, [
        (f"tableau de bord {account}", "GET", "/", None),
        (STEERING_API, "GET", f"{REPORT}?{REPORT_QUERY}", None),
        ("/healthz", "GET", "/healthz", None),
        (STEERING_CSV, "GET", f"{REPORT}csv/?{REPORT_QUERY}", None),
    ]


def _discover(port: int) -> dict:
    head = Session(port)
    head.login("chef.lycee")
    commission = Session(port)
    commission.login("commission.77")
    return {
        "pupils": [
            f"/eleves/{u}/" for u in _links(head, "/eleves/", rf'href="/eleves/({UUID})/"')[:20]
        ],
        "dossiers": [
            f"/reprepa/{u}/" for u in _links(head, "/reprepa/", rf'href="/reprepa/({UUID})/"')[:20]
        ],
        "dockets": [
            f"/reprepa/commission/seances/{u}/"
            for u in _links(
                commission, "/reprepa/commission/", rf'href="/reprepa/commission/seances/({UUID})/"'
            )
        ],
    }


def _run_level(port: int, clients: int, targets: dict, files: list[bytes]) -> dict:
    sessions = []
    for index in range(clients):
        upload = files[(index // 4) % len(files)] if files else None
        account, steps = _profiles(targets, upload, index)
        session = Session(port)
        session.login(account)
        sessions.append((session, steps))
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    lock = threading.Lock()
    budget = [MAX_REQUESTS]
    stop_at = time.monotonic() + SECONDS

    def loop(session: Session, steps, offset: int):
        n = offset
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            page, method, url, payload = steps[n % len(steps)]
            n += 1
            kwargs = {}
            if payload is not None:
                kwargs = {
                    "data": {"csrfmiddlewaretoken": session.csrf},
                    "files": {"file": ("resultats.csv", payload, "text/csv")},
                }
            started = time.perf_counter()
            try:
                response = session.request(method, url, **kwargs)
                status = response.status_code
                location = response.headers.get("location", "") if status == 302 else ""
            except Exception:  # a timeout or a dropped connection counts as an error
                status, location = 599, ""
            elapsed = time.perf_counter() - started
            with lock:
                samples[page].append(elapsed)
                statuses[page][status] += 1
                if status >= 400:
                    errors[page] += 1
            if payload is not None and location.startswith("/"):
                # The upload answers at once with its job's progress page: open it once.
                started = time.perf_counter()
                try:
                    status = session.request("GET", location).status_code
                except Exception:
                    status = 599
                elapsed = time.perf_counter() - started
                with lock:
                    samples["avancement du dépôt"].append(elapsed)
                    statuses["avancement du dépôt"][status] += 1
                    if status >= 400:
                        errors["avancement du dépôt"] += 1

    threads = [
        threading.Thread(target=loop, args=(session, steps, i), daemon=True)
        for i, (session, steps) in enumerate(sessions)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    wall = time.monotonic() - started
    for session, _ in sessions:
        session.http.close()
    pages = {}
    for page, values in sorted(samples.items()):
        values.sort()
        pages[page] = {
            "n": len(values),
            "p50_ms": round(_pct(values, 50) * 1000),
            "p95_ms": round(_pct(values, 95) * 1000),
            "p99_ms": round(_pct(values, 99) * 1000),
            "over_1s": round(sum(v > SLOW for v in values) / len(values), 3),
            "errors": errors.get(page, 0),
            "statuses": dict(sorted(statuses[page].items())),
        }
    total = sum(len(v) for v in samples.values())
    return {
        "clients": clients,
        "requests": total,
        "seconds": round(wall, 1),
        "per_second": round(total / wall, 1) if wall else 0,
        "over_1s": round(sum(v > SLOW for vs in samples.values() for v in vs) / max(1, total), 3),
        "errors": sum(errors.values()),
        "pages": pages,
    }


def _pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    rank = max(1, -(-len(values) * p // 100))
    return values[int(rank) - 1]


def _check(level: dict) -> tuple[bool | None, float | None]:
    """Worst p95 of the steering figures (dashboards, reports API, its CSV) ÷ pupil page p95 at
    one level (None: a level too small to have steering clients, e.g. 1 client, a head)."""
    pupil = level["pages"].get(PUPIL_PAGE, {}).get("p95_ms")
    dashboards = [
        v["p95_ms"]
        for k, v in level["pages"].items()
        if k.startswith("tableau") or k in (STEERING_API, STEERING_CSV)
    ]
    if not pupil or not dashboards:
        return None, None
    worst = max(dashboards) / pupil
    return worst <= TARGET, round(worst, 2)


def run() -> dict:
    if connection.vendor != "postgresql":
        return {"summary": "PostgreSQL requis (gunicorn et le banc partagent la base)"}
    try:
        import httpx  # noqa: F401
    except ImportError:
        return {"summary": "httpx requis pour les clients du banc"}
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from accounts.models import User
    from notifications import calendar
    from territories.models import Academie

    started = time.monotonic()
    call_command("load_demo", pupils=PUPILS, stdout=io.StringIO())
    # The benchmark settings hash with MD5 (fast tests); the production server only knows
    # its own hashers: the demo password is stored again with the production default.
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(username__in=ACCOUNTS).update(
        password=hasher.encode(PASSWORD, hasher.salt())
    )
    build_s = time.monotonic() - started
    academie = Academie.objects.get(code="24")
    session_year = calendar.last_session_year(academie.pk, timezone.localdate())
    files = _results_files(session_year, max(1, max(LEVELS) // 4))
    port = _free_port()
    levels = []
    with _gunicorn(port):
        targets = _discover(port)
        for clients in LEVELS:
            level = _run_level(port, clients, targets, files)
            passed, worst = _check(level)
            level.update(passed=passed, worst_dashboard_ratio=worst)
            levels.append(level)
            _print_level(level)
    judged = [level["passed"] for level in levels if level["passed"] is not None]
    all_passed = all(judged) if judged else None
    summary = (
        f"{PUPILS} élèves, gunicorn {WORKERS} workers (réglages de production) ; "
        + " ; ".join(
            f"{lv['clients']} clients : {lv['requests']} requêtes, "
            f"{lv['over_1s'] * 100:.1f} % > 1 s, pire chiffre de pilotage ÷ fiche élève (p95) "
            f"×{lv['worst_dashboard_ratio'] or '—'}"
            for lv in levels
        )
    )
    print(summary)
    return {
        "summary": summary,
        "target": (
            "p95 de chaque tableau de bord, de l'API et du CSV des indicateurs "
            f"≤ ×{TARGET:g} celui de la fiche élève"
        ),
        "passed": all_passed,
        "pupils": PUPILS,
        "workers": WORKERS,
        "build_s": round(build_s, 1),
        "levels": levels,
    }


def _print_level(level: dict) -> None:
    print(
        f"\n{level['clients']} clients : {level['requests']} requêtes en {level['seconds']} s "
        f"({level['per_second']}/s), {level['over_1s'] * 100:.1f} % au-delà d'1 s, "
        f"{level['errors']} erreur(s)"
    )
    print(f"{'page':34s} {'n':>5s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'> 1 s':>6s}")
    for page, v in level["pages"].items():
        print(
            f"{page:34s} {v['n']:5d} {v['p50_ms']:5d}ms {v['p95_ms']:5d}ms {v['p99_ms']:5d}ms "
            f"{v['over_1s'] * 100:5.1f}%" + (f"  {v['errors']} erreur(s)" if v["errors"] else "")
        )
    if level["worst_dashboard_ratio"] is not None:
        print(
            "pire chiffre de pilotage (tableaux de bord, API, CSV) ÷ fiche élève (p95) : "
            f"×{level['worst_dashboard_ratio']}"
        )
