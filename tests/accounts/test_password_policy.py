"""Password login switch, break-glass administrators, password strength, client address."""

import html

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.enums import AuthEventKind
from accounts.models import AuthEvent
from demo.management.commands.load_demo import DEMO_PASSWORD

from ..conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"


def text(response):
    return html.unescape(response.content.decode())


def post_login(client, username, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# --- Password login switched off ----------------------------------------------------------


def test_password_login_off_refuses_staff_with_a_french_message(world, client, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    settings.PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS = []
    response = post_login(client, "chef_a")
    assert "_auth_user_id" not in client.session
    event = AuthEvent.objects.get(kind=AuthEventKind.LOGIN_FAILURE)
    assert event.reason == "Connexion par mot de passe désactivée"
    assert response.status_code == 200 or response.status_code == 302


def test_password_login_off_shows_no_password_form_without_break_glass(world, client, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    settings.PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS = []
    assert 'name="password"' not in text(client.get(LOGIN))


def test_break_glass_administrator_still_signs_in_with_a_password(world, client, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    settings.PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS = ["admin", "chef_a"]
    page = text(client.get(LOGIN))
    assert "Connexion de secours" in page and 'name="password"' in page
    assert post_login(client, "admin").status_code == 302
    assert client.session["_auth_user_id"] == str(world.users.admin.pk)
    # …then the second factor, always required of administrators.
    assert "/compte/second-facteur/" in client.get("/")["Location"]
    # Listed, but not an administrator: refused.
    other = Client()
    response = post_login(other, "chef_a")
    assert response.status_code == 200 and "_auth_user_id" not in other.session


def test_django_admin_login_obeys_the_switch(world, client, settings):
    from .factories import UserFactory

    UserFactory(username="root", is_staff=True, is_superuser=True)
    settings.PASSWORD_LOGIN_ENABLED = False
    settings.PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS = []
    client.post("/admin/login/", {"username": "root", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_password_login_on_in_dev_and_test_settings():
    from django.conf import settings

    assert settings.PASSWORD_LOGIN_ENABLED


def test_production_settings_switch_password_login_off(monkeypatch):
    import importlib

    monkeypatch.delenv("PASSWORD_LOGIN_ENABLED", raising=False)
    monkeypatch.delenv("SECOND_FACTOR_FOR_PASSWORD_LOGIN", raising=False)
    identity = importlib.reload(importlib.import_module("config.settings.identity"))
    try:
        assert identity.PASSWORD_LOGIN_ENABLED is False
        assert identity.SECOND_FACTOR_FOR_PASSWORD_LOGIN is True
    finally:
        monkeypatch.undo()
        importlib.reload(identity)


# --- Audit ------------------------------------------------------------------------------------


def test_success_failure_and_logout_are_in_the_login_log(world, client, client_for):
    post_login(client, "chef_a", "mauvais-mot-de-passe", REMOTE_ADDR="198.51.100.7")
    post_login(client, "chef_a", REMOTE_ADDR="198.51.100.7")
    client.post("/compte/deconnexion/", REMOTE_ADDR="198.51.100.7")
    kinds = list(
        AuthEvent.objects.filter(username="chef_a").order_by("id").values_list("kind", "ip")
    )
    assert kinds == [
        (AuthEventKind.LOGIN_FAILURE, "198.51.100.7"),
        (AuthEventKind.LOGIN_SUCCESS, "198.51.100.7"),
        (AuthEventKind.LOGOUT, "198.51.100.7"),
    ]
    page = text(client_for(world.users.admin).get("/tracabilite/connexions/?compte=chef_a"))
    for label in ("Échec de connexion", "Connexion réussie", "Déconnexion", "198.51.100.7"):
        assert label in page
    assert "mauvais-mot-de-passe" not in page


def test_login_log_is_for_administrators_only(world, client_for):
    assert client_for(world.users.chef_a).get("/tracabilite/connexions/").status_code == 404
    hostile = client_for(world.users.admin).get(
        "/tracabilite/connexions/", {"compte": "a\x00b", "evenement": "nimporte", "page": "-1"}
    )
    assert hostile.status_code == 200


# --- Password strength ------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "passwordpassword", "azertyuiopqs"])
def test_guessable_passwords_are_refused_in_french(world, password):
    with pytest.raises(ValidationError) as err:
        validate_password(password, user=world.users.chef_a)
    message = " ".join(err.value.messages)
    assert "trop facile à deviner" in message


def test_repetition_is_explained(world):
    with pytest.raises(ValidationError) as err:
        validate_password("aaaaaaaaaaaa", user=world.users.chef_a)
    assert "les répétitions" in " ".join(err.value.messages)


def test_password_built_on_the_account_name_is_refused(world):
    user = world.users.chef_a
    user.last_name = "Vasseurienne"
    with pytest.raises(ValidationError):
        validate_password("Vasseurienne2026", user=user)


def test_demo_password_passes_for_every_demo_role(world):
    validate_password(DEMO_PASSWORD, user=world.users.chef_a)
    validate_password(DEMO_PASSWORD, user=world.users.admin)


# --- Client address behind a reverse proxy (django-axes) -------------------------------------


def fail_five_times(username, **meta):
    attacker = Client()
    for _ in range(5):
        post_login(attacker, username, "mauvais-mot-de-passe", **meta)


def test_behind_the_proxy_an_attacker_cannot_lock_a_colleague_out(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    fail_five_times("chef_a", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    victim = Client()
    response = post_login(victim, "chef_a", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302 and "_auth_user_id" in victim.session
    # The attacker stays locked out, from its own address.
    attacker = Client()
    locked = post_login(attacker, "chef_a", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code in (403, 429)
    assert AuthEvent.objects.filter(ip="203.0.113.66").count() >= 5


def test_behind_the_proxy_a_forged_prefix_is_ignored(world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        post_login(
            Client(),
            "chef_a",
            "mauvais-mot-de-passe",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.66",
        )
    locked = post_login(
        Client(), "chef_a", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.66"
    )
    assert locked.status_code in (403, 429)


def test_without_a_proxy_a_spoofed_header_is_not_trusted(world, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        post_login(
            Client(),
            "chef_a",
            "mauvais-mot-de-passe",
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    locked = post_login(
        Client(), "chef_a", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
    assert locked.status_code in (403, 429)
    assert set(AuthEvent.objects.values_list("ip", flat=True)) == {"203.0.113.66"}
