"""`make run` serves several users while an import runs: the real development server
(`config.settings.dev`, SQLite file in WAL mode, no broker) in a subprocess, two staff members
with their own sessions, a pupil file large enough to take a while.

No mock: the upload answers at once because the task runs in a background thread of the server,
and the second user's page is served while the job is still being processed.
"""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from demo.management.commands.load_demo import DEMO_PASSWORD

from ..students.import_factories import csv_bytes, pupil_row

ROOT = Path(__file__).resolve().parents[2]
ROWS = 6000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env, *args, timeout=600):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


@pytest.fixture
def dev_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONWARNINGS": "ignore",
    }
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_demo", "--pupils", "200", "--without-apps")
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{url}/healthz/live", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield url, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _login(url, username) -> requests.Session:
    session = requests.Session()
    session.get(f"{url}/compte/connexion/", timeout=30)
    response = session.post(
        f"{url}/compte/connexion/",
        data={
            "username": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{url}/compte/connexion/"},
        timeout=30,
    )
    assert response.url == f"{url}/", f"{username} n'a pas pu se connecter"
    return session


def _school_uai(database: Path) -> str:
    with sqlite3.connect(database) as db:
        (uai,) = db.execute(
            "SELECT e.uai FROM territories_etablissement e "
            "JOIN accounts_roleassignment r ON r.etablissement_id = e.id "
            "JOIN accounts_user u ON u.id = r.user_id WHERE u.username = 'chef.lycee'"
        ).fetchone()
    return uai


def test_a_second_user_is_served_while_an_upload_is_processed(dev_server):
    url, folder = dev_server
    database = folder / "db.sqlite3"
    head = _login(url, "chef.lycee")
    other = _login(url, "directeur.cio")
    uai = _school_uai(database)
    content = csv_bytes(pupil_row(uai, n) for n in range(ROWS))

    form = head.get(f"{url}/eleves/import/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answered = head.post(
        f"{url}/eleves/import/",
        data={"csrfmiddlewaretoken": token},
        files={"files": ("eleves.csv", content, "text/csv")},
        headers={"Referer": f"{url}/eleves/import/"},
        timeout=60,
    )
    log = (folder / "server.log").read_text
    assert answered.status_code == 200 and "/eleves/import/" in answered.url, log()
    progress_url = answered.url.rstrip("/") + "/avancement/"
    assert head.get(progress_url, timeout=30).json()["finished"] is False

    page = other.get(f"{url}/", timeout=30)
    assert page.status_code == 200
    assert "Roussel" in page.text or "CIO" in page.text

    for _ in range(600):
        progress = head.get(progress_url, timeout=30).json()
        if progress["finished"]:
            break
        time.sleep(0.5)
    assert progress["status_label"] == "Importé", progress
    assert progress["rows_written"] == ROWS
