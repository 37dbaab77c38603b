"""In Chromium: ProConnect login and logout against the loopback provider, and the TOTP
enrolment and login with codes computed from the shared secret."""

import base64
import re

import pytest
from django_otp.oath import totp

from ..conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_signs_in_with_proconnect_and_out_again(world, page, live_server, oidc_provider):
    chef = world.users.chef_a
    chef.email = "claire.vasseur@ac-creteil.fr"
    chef.save()
    oidc_provider.add_user(
        "agent-chef-a", email="Claire.Vasseur@ac-creteil.fr", given_name="Claire", idp_id="ac"
    )
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_role("button", name="S'identifier avec ProConnect").click()
    page.wait_for_url(re.compile(re.escape(oidc_provider.url) + r"/oauth2/authorize.*"))
    page.locator("input[name=sub]").fill("agent-chef-a")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Chef d'établissement" in page.get_by_test_id("active-role").inner_text()

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(re.escape(oidc_provider.url) + r"/oauth2/end_session.*"))
    assert "id_token_hint=" in page.url
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{live_server.url}/compte/connexion/")
    assert "déconnecté de Sécuparcours et de ProConnect" in page.content()


def code(secret: str, drift: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, digits=6, drift=drift):06d}"


def password_login(page, live_server, username):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_administrator_enrols_a_totp_application_then_signs_in_with_it(world, page, live_server):
    password_login(page, live_server, "admin")
    page.wait_for_url(re.compile(r".*/compte/second-facteur/.*"))
    assert page.get_by_role("heading", name="Activer la vérification en deux étapes").is_visible()
    assert page.locator(".totp-qr svg").is_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code de vérification").fill(code(secret))
    page.get_by_role("button", name="Activer").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    assert codes.count() == 10
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Administrateur" in page.get_by_test_id("active-role").inner_text()

    page.get_by_role("button", name="Se déconnecter").click()
    password_login(page, live_server, "admin")
    page.wait_for_url(re.compile(r".*/compte/second-facteur/\?next=.*"))
    assert page.get_by_role("heading", name="Vérification en deux étapes").is_visible()
    # The enrolment spent this period's code: the application shows the next one.
    page.get_by_label("Code de vérification").fill(code(secret, drift=1))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Accès exceptionnels en cours").is_visible()
