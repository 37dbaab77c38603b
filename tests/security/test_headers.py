"""Security headers on pages, API answers and files; the production settings are checked in a
separate process (tests/security/production_headers.py), as gunicorn would load them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_and_api_answers_with_pupils_are_never_stored(world, client_for, api_for):
    student = StudentFactory(current_school=world.school_a)
    head = client_for(world.users.chef_a)
    for response in (
        head.get(reverse("students:list")),
        head.get(reverse("students:detail", args=[student.public_id])),
        api_for(world.users.chef_a).get("/api/v1/eleves/"),
        api_for(world.users.chef_a).get(f"/api/v1/eleves/{student.public_id}/"),
    ):
        assert response.status_code == 200
        assert_private(response)


def test_error_pages_are_not_stored_either(world, client_for):
    response = client_for(world.users.chef_a).get("/eleves/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert_private(response)


def test_content_security_policy_forbids_inline_script(world, client_for):
    response = client_for(world.users.chef_a).get(reverse("home"))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in policy["style-src"]


def test_no_template_carries_an_inline_script():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for chunk in text.split("<script")[1:]:
            opening = chunk.split(">", 1)[0]
            if "src=" not in opening and 'type="application/json"' not in opening:
                offenders.append(str(template.relative_to(ROOT)))
    assert not offenders, offenders


def test_other_headers(world, client_for):
    response = client_for(world.users.chef_a).get(reverse("home"))
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert len(response["X-Request-ID"]) >= 8


def test_api_docs_load_their_script_from_a_file(world, client_for):
    client = client_for(world.users.admin)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style>" not in html
    assert "?script=" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_production_settings_send_every_header():
    """Runs tests/security/production_headers.py under config.settings.production."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "production-headers-check-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite://:memory:",
        "CELERY_BROKER_URL": "",
    }
    env.pop("SENTRY_DSN", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds=config.settings.production",
            "-W",
            "ignore::DeprecationWarning",
            "-W",
            "ignore:No directory at:UserWarning",
            str(Path(__file__).with_name("production_headers.py")),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
