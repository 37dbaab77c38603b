"""TOTP second factor (django-otp) and recovery codes, through the real pages."""

import html
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import AuthEventKind, AuthMethod
from accounts.models import AuthEvent

from ..conftest import TEST_PASSWORD
from .factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"


def password_login(client, username):
    response = client.post(LOGIN, {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:200]
    return response


def code_for(device, drift=0):
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:06d}"


def text(response):
    return html.unescape(response.content.decode())


def enrol(client):
    page = client.get(reverse("accounts:second_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(reverse("accounts:second_factor_setup"), {"code": code_for(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    return device, codes


def test_administrator_must_enrol_before_reaching_anything(world, client):
    password_login(client, "admin")
    response = client.get(reverse("audit:access_log"))
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/second-facteur/?next=")
    setup = client.get(response["Location"])
    assert "Activer la vérification en deux étapes" in text(setup)
    device, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("audit:access_log")).status_code == 200
    assert AuthEvent.objects.filter(kind=AuthEventKind.SECOND_FACTOR_ENROLLED).count() == 1


def test_enrolled_administrator_gives_a_code_at_each_login(world, client):
    password_login(client, "admin")
    device, _ = enrol(client)
    client.post(reverse("accounts:logout"))
    password_login(client, "admin")
    assert client.get("/").status_code == 302
    wrong = client.post(reverse("accounts:second_factor"), {"code": "000000", "next": "/"})
    assert wrong.status_code == 200 and "Code incorrect" in text(wrong)
    assert AuthEvent.objects.filter(kind=AuthEventKind.SECOND_FACTOR_FAILURE).count() == 1
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    # The enrolment code is spent: the application shows the next one.
    next_code = code_for(device, drift=1)
    ok = client.post(reverse("accounts:second_factor"), {"code": next_code, "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get("/").status_code == 200


def test_recovery_code_works_once(world, client):
    password_login(client, "admin")
    _, codes = enrol(client)
    for attempt in range(2):
        client.post(reverse("accounts:logout"))
        password_login(client, "admin")
        response = client.post(reverse("accounts:second_factor"), {"code": codes[0], "next": "/"})
        if attempt == 0:
            assert response.status_code == 302
            event = AuthEvent.objects.filter(kind=AuthEventKind.SECOND_FACTOR_SUCCESS).last()
            assert event.method == AuthMethod.RECOVERY_CODE
        else:
            assert response.status_code == 200 and "Code incorrect" in text(response)
            assert client.get("/").status_code == 302


def test_django_admin_requires_the_second_factor(world, client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    password_login(client, "root")
    response = client.get("/admin/")
    assert response.status_code == 302 and "/compte/second-facteur/" in response["Location"]


def test_setting_requires_it_after_a_password_login_for_everyone(world, client, settings):
    settings.SECOND_FACTOR_FOR_PASSWORD_LOGIN = True
    password_login(client, "chef_a")
    assert client.get(reverse("students:list")).status_code == 302
    api = client.get("/api/v1/eleves/")
    assert api.status_code == 403 and "second facteur" in api.json()["detail"]


def test_without_the_setting_staff_sign_in_with_the_password_alone(world, client, settings):
    settings.SECOND_FACTOR_FOR_PASSWORD_LOGIN = False
    password_login(client, "chef_a")
    assert client.get(reverse("students:list")).status_code == 200


def test_secret_is_not_in_the_audit_or_logs(world, client, caplog):
    password_login(client, "admin")
    page = client.get(reverse("accounts:second_factor_setup"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page.content.decode())[1]
    enrol(client)
    compact = secret.replace(" ", "")
    assert compact not in caplog.text
    assert not AuthEvent.objects.filter(reason__icontains=compact[:8]).exists()


def test_administrator_can_reset_an_agents_second_factor(world, client_for):
    from django_otp.plugins.otp_static.models import StaticDevice

    chef = world.users.chef_a
    TOTPDevice.objects.create(user=chef, name="x", confirmed=True)
    StaticDevice.objects.create(user=chef, name="y", confirmed=True)
    admin = client_for(world.users.admin)
    response = admin.post(reverse("accounts:account_action", args=[chef.pk, "second-facteur"]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=chef).exists()
    assert not StaticDevice.objects.filter(user=chef).exists()
    event = AuthEvent.objects.filter(user=chef, kind=AuthEventKind.ACCOUNT).last()
    assert event.by == world.users.admin and "réinitialisé" in event.reason
