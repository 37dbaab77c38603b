"""ProConnect login against a real OpenID provider on loopback (no mock of our code)."""

import html
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from accounts.enums import AuthEventKind, AuthMethod
from accounts.models import AuthEvent, OidcIdentity, User

from .factories import UserFactory
from .oidc_provider import CLIENT_ID, free_port

pytestmark = pytest.mark.django_db

START = "/compte/proconnect/"


def start_login(client, next_url=""):
    response = client.get(START, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def proconnect_login(client, provider, sub, next_url=""):
    """Click the button, pick `sub` at the provider, come back: the callback's response."""
    authorize = start_login(client, next_url)
    return client.get(callback_path(provider.authorize(authorize, sub)))


def agent(provider, world, *, sub="agent-chef-a", email=None, **claims):
    user = world.users.chef_a
    user.email = "claire.vasseur@ac-creteil.fr"
    user.save()
    provider.add_user(
        sub,
        email=email if email is not None else "Claire.Vasseur@ac-creteil.fr",
        given_name="Claire",
        usual_name="Vasseur",
        siret="13002526500013",
        uid="cvasseur",
        idp_id="ac-creteil",
        **claims,
    )
    return user


def text(response) -> str:
    return html.unescape(response.content.decode())


def last_event():
    return AuthEvent.objects.order_by("-id").first()


def test_authorization_request_carries_long_state_and_nonce(world, client, oidc_provider):
    query = parse_qs(urlsplit(start_login(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert "openid" in query["scope"][0].split()
    assert query["acr_values"] == ["eidas1"]
    assert "amr" in query["claims"][0]


def test_agent_signs_in_matched_on_email_any_case_and_sub_is_stored(world, client, oidc_provider):
    user = agent(oidc_provider, world)
    response = proconnect_login(client, oidc_provider, "agent-chef-a", next_url="/eleves/")
    assert response.status_code == 302 and response["Location"] == "/eleves/"
    assert client.session["_auth_user_id"] == str(user.pk)
    identity = OidcIdentity.objects.get(user=user)
    assert identity.sub == "agent-chef-a" and identity.issuer == oidc_provider.url
    assert identity.idp_id == "ac-creteil"
    user.refresh_from_db()
    assert user.last_login_method == AuthMethod.PROCONNECT
    event = last_event()
    assert event.kind == AuthEventKind.LOGIN_SUCCESS and event.method == AuthMethod.PROCONNECT
    assert event.user == user and event.provider == "ac-creteil" and event.ip == "127.0.0.1"
    home = html.unescape(client.get("/").content.decode())
    assert "Chef d'établissement — Lycée Léonard de Vinci" in home


def test_next_login_finds_the_account_by_sub_even_if_the_email_changed(
    world, client, oidc_provider
):
    user = agent(oidc_provider, world)
    proconnect_login(client, oidc_provider, "agent-chef-a")
    client.logout()
    oidc_provider.add_user("agent-chef-a", email="claire.vasseur-martin@ac-creteil.fr")
    proconnect_login(client, oidc_provider, "agent-chef-a")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_userinfo_as_signed_jwt_is_accepted(world, client, oidc_provider):
    oidc_provider.userinfo_as_jwt = True
    user = agent(oidc_provider, world)
    response = proconnect_login(client, oidc_provider, "agent-chef-a")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_es256_signed_id_token_is_accepted_when_registered_so(
    world, client, oidc_provider, settings
):
    settings.PROCONNECT_SIGN_ALGO = "ES256"
    oidc_provider.sign_es256 = True
    user = agent(oidc_provider, world)
    assert proconnect_login(client, oidc_provider, "agent-chef-a").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_token_signed_with_another_algorithm_than_registered_is_refused(
    world, client, oidc_provider, settings
):
    settings.PROCONNECT_SIGN_ALGO = "ES256"  # the provider signs RS256
    agent(oidc_provider, world)
    response = proconnect_login(client, oidc_provider, "agent-chef-a")
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_unknown_email_gets_french_page_naming_whom_to_ask_and_nothing_is_created(
    world, client, oidc_provider, settings
):
    settings.PROCONNECT_UNKNOWN_ACCOUNT_HELP = "Écrivez à la DSI du rectorat (ce.dsi@ac-x.fr)."
    oidc_provider.add_user("inconnu", email="nouvel.agent@ac-creteil.fr")
    before = User.objects.count()
    response = proconnect_login(client, oidc_provider, "inconnu")
    page = text(response)
    assert response.status_code == 403
    assert "Aucun compte Sécuparcours n'est ouvert pour l'adresse nouvel.agent@ac-creteil.fr" in (
        page
    )
    assert "Écrivez à la DSI du rectorat (ce.dsi@ac-x.fr)." in page
    assert User.objects.count() == before and not OidcIdentity.objects.exists()
    assert "_auth_user_id" not in client.session
    event = last_event()
    assert (
        event.kind == AuthEventKind.LOGIN_FAILURE and event.username == "nouvel.agent@ac-creteil.fr"
    )
    assert "unknown_account" in event.reason
    assert event.provider == urlsplit(oidc_provider.url).netloc and event.ip == "127.0.0.1"


def test_deactivated_account_is_refused(world, client, oidc_provider):
    user = agent(oidc_provider, world)
    user.is_active = False
    user.save()
    response = proconnect_login(client, oidc_provider, "agent-chef-a")
    assert response.status_code == 403
    assert "est désactivé" in text(response)
    assert "_auth_user_id" not in client.session
    assert "inactive" in last_event().reason


def test_missing_email_claim_is_refused(world, client, oidc_provider):
    oidc_provider.add_user("sans-adresse", given_name="Anonyme")
    response = proconnect_login(client, oidc_provider, "sans-adresse")
    assert response.status_code == 400
    assert "n'a pas transmis votre adresse électronique" in text(response)
    assert "email_missing" in last_event().reason


def test_second_identity_claiming_a_matched_email_is_refused(world, client, oidc_provider):
    user = agent(oidc_provider, world)
    proconnect_login(client, oidc_provider, "agent-chef-a")
    client.logout()
    oidc_provider.add_user("imposteur", email="claire.vasseur@ac-creteil.fr")
    response = proconnect_login(client, oidc_provider, "imposteur")
    assert response.status_code == 403
    assert "déjà rattaché à une autre identité ProConnect" in text(response)
    assert list(OidcIdentity.objects.values_list("sub", flat=True)) == ["agent-chef-a"]
    assert OidcIdentity.objects.get().user == user


def test_two_accounts_cannot_hold_the_same_email_in_any_case(world):
    from django.db import IntegrityError, transaction

    UserFactory(username="a1", email="meme.adresse@ac-creteil.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="a2", email="x@y.fr")
        User.objects.filter(username="a2").update(email="MEME.adresse@ac-creteil.fr")


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"iss": "https://faux-fournisseur.example"}, "invalid_token"),
        ({"aud": "un-autre-service"}, "invalid_token"),
        ({"exp": 1_000_000_000}, "expired_token"),
        ({"nonce": "nonce-rejoue-" + "x" * 32}, "invalid_token"),
    ],
    ids=["issuer", "audience", "expired", "nonce"],
)
def test_tampered_id_token_is_refused_and_logged(world, client, oidc_provider, claims, code):
    agent(oidc_provider, world, **claims)
    response = proconnect_login(client, oidc_provider, "agent-chef-a")
    assert response.status_code == 400
    assert "ProConnect" in text(response)
    assert "_auth_user_id" not in client.session
    assert last_event().kind == AuthEventKind.LOGIN_FAILURE and code in last_event().reason


def test_altered_signature_is_refused(world, client, oidc_provider):
    agent(oidc_provider, world)
    oidc_provider.tamper_signature = True
    response = proconnect_login(client, oidc_provider, "agent-chef-a")
    assert response.status_code == 400
    assert "n'a pas pu être vérifiée" in text(response)
    assert "_auth_user_id" not in client.session


def test_replayed_state_is_refused(world, client, oidc_provider):
    agent(oidc_provider, world)
    callback = callback_path(oidc_provider.authorize(start_login(client), "agent-chef-a"))
    assert client.get(callback).status_code == 302
    client.logout()
    start_login(client)  # a login is pending again, but not with that state
    replay = client.get(callback)
    assert replay.status_code == 400
    assert "ne correspond à aucune connexion en cours" in text(replay)
    assert "_auth_user_id" not in client.session


def test_callback_without_pending_login_is_refused(world, client, oidc_provider):
    agent(oidc_provider, world)
    other_browser = type(client)()
    callback = callback_path(oidc_provider.authorize(start_login(other_browser), "agent-chef-a"))
    response = client.get(callback)
    assert response.status_code == 400
    assert "Aucune connexion ProConnect n'était en cours" in text(response)
    assert client.get("/compte/proconnect/retour/").status_code == 400


def test_login_cancelled_at_the_provider(world, client, oidc_provider):
    parts = urlsplit(start_login(client))
    state = parse_qs(parts.query)["state"][0]
    response = client.get("/compte/proconnect/retour/", {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "interrompue" in text(response)


def test_provider_down_gives_french_message_and_password_login_still_works(world, client, settings):
    from django.core.cache import cache

    from ..conftest import TEST_PASSWORD

    cache.clear()
    settings.PROCONNECT_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/.well-known/x"
    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_TIMEOUT = 1
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert "S'identifier avec" in login_page and 'name="password"' in login_page
    response = client.get(START)
    assert response.status_code == 503
    page = text(response)
    assert "ProConnect ne répond pas" in page and "mot de passe reste possible" in page
    login = client.post(
        reverse("accounts:login"), {"username": "chef_a", "password": TEST_PASSWORD}
    )
    assert login.status_code == 302 and client.session["_auth_user_id"]


def test_slow_provider_times_out_with_french_message(world, client, oidc_provider, settings):
    agent(oidc_provider, world)
    settings.PROCONNECT_TIMEOUT = 0.5
    oidc_provider.token_delay = 1.5
    started = time.monotonic()
    response = proconnect_login(client, oidc_provider, "agent-chef-a")
    assert response.status_code == 503
    assert "ProConnect ne répond pas" in text(response)
    assert time.monotonic() - started < 5
    assert "_auth_user_id" not in client.session


def test_multi_factor_at_provider_skips_our_second_factor(world, client, oidc_provider):
    admin = world.users.admin
    admin.email = "anne.lacroix@ac-creteil.fr"
    admin.save()
    oidc_provider.add_user("admin-mfa", email=admin.email, amr=["pwd", "mfa"])
    proconnect_login(client, oidc_provider, "admin-mfa")
    assert client.get(reverse("audit:access_log")).status_code == 200


def test_administrator_without_provider_mfa_still_gives_our_second_factor(
    world, client, oidc_provider
):
    admin = world.users.admin
    admin.email = "anne.lacroix@ac-creteil.fr"
    admin.save()
    oidc_provider.add_user("admin-pwd", email=admin.email, amr=["pwd"])
    proconnect_login(client, oidc_provider, "admin-pwd")
    response = client.get(reverse("audit:access_log"))
    assert response.status_code == 302 and "/compte/second-facteur/" in response["Location"]


def test_logout_goes_through_end_session_with_id_token_hint(world, client, oidc_provider):
    agent(oidc_provider, world)
    proconnect_login(client, oidc_provider, "agent-chef-a")
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}" == oidc_provider.url
    assert target.path == "/oauth2/end_session"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [id_token]
    assert len(query["state"][0]) >= 32
    assert query["post_logout_redirect_uri"] == ["http://testserver/compte/deconnexion/fin/"]
    assert "_auth_user_id" not in client.session
    assert last_event().kind == AuthEventKind.LOGOUT
    back = client.get("/compte/deconnexion/fin/", {"state": query["state"][0]}, follow=True)
    assert "déconnecté de Sécuparcours et de ProConnect" in text(back)


def test_no_token_code_or_state_in_any_log(world, client, oidc_provider, caplog):
    agent(oidc_provider, world)
    with caplog.at_level(logging.DEBUG):
        callback = callback_path(oidc_provider.authorize(start_login(client), "agent-chef-a"))
        client.get(callback)
        id_token = client.session["oidc_id_token"]
        client.post(reverse("accounts:logout"))
        client.get(callback)  # a replay, refused and logged
    query = parse_qs(urlsplit(callback).query)
    # Our stack's loggers; the provider's own (werkzeug, authlib) and the test's requests to
    # it (urllib3) are not the application's logs.
    ours = "\n".join(
        r.getMessage()
        for r in caplog.records
        if r.name.split(".")[0] in {"secuparcours", "django", "mozilla_django_oidc", "axes", "root"}
    )
    assert "ProConnect" in ours or ours  # something was logged
    for secret in (query["code"][0], query["state"][0], id_token, id_token.split(".")[2]):
        assert secret not in ours
    for event in AuthEvent.objects.all():
        assert query["code"][0] not in event.reason and query["state"][0] not in event.reason


def test_button_hidden_when_proconnect_is_not_configured(db, client, settings):
    settings.PROCONNECT_DISCOVERY_URL = ""
    assert "ProConnect" not in client.get(reverse("accounts:login")).content.decode()
    assert client.get(START).status_code == 404
