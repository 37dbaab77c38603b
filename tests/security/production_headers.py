"""Collected only by test_headers.test_production_settings_send_every_header, in a process
started with DJANGO_SETTINGS_MODULE=config.settings.production (HTTPS, HSTS, secure cookies)."""

import os

import pytest
from django.conf import settings
from django.test import Client

from tests.students.factories import StudentFactory
from tests.territories.factories import EtablissementFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """The only departure from production: static files are not collected for this check, so
    `{% static %}` cannot read the manifest that collectstatic would write."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def check(response):
    assert response.status_code == 200, response.status_code
    for header, value in EXPECTED.items():
        assert response[header] == value, header
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


@pytest.fixture
def head():
    from accounts.enums import Role
    from tests.accounts.factories import RoleAssignmentFactory, UserFactory

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert settings.SECURE_SSL_REDIRECT and settings.SESSION_COOKIE_SECURE
    school = EtablissementFactory()
    StudentFactory(current_school=school)
    user = UserFactory(username="chef")
    RoleAssignmentFactory(user=user, role=Role.CHEF_ETABLISSEMENT, etablissement=school)
    return user


def test_page_with_pupils(head):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head)
    check(client.get("/eleves/", secure=True))


def test_api_answer_with_pupils(head):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=head).key}")
    response = client.get("/api/v1/eleves/", secure=True)
    check(response)
    assert response.json()["count"] == 1
