import logging

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.enums import Role

from ..conftest import TEST_PASSWORD
from .factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"


def test_staff_password_needs_twelve_characters(world):
    with pytest.raises(ValidationError) as err:
        validate_password("Kx9!mPq2vL", user=world.users.chef_a)
    assert "au moins 12 caractères" in " ".join(err.value.messages)
    validate_password("Kx9!mPq2vLw7#z", user=world.users.chef_a)


def test_administrator_password_needs_sixteen_characters(world):
    with pytest.raises(ValidationError) as err:
        validate_password("Kx9!mPq2vLw7#z", user=world.users.admin)
    assert "au moins 16 caractères" in " ".join(err.value.messages)
    validate_password("Kx9!mPq2vLw7#zR4tY", user=world.users.admin)


def test_common_password_is_refused(world):
    with pytest.raises(ValidationError):
        validate_password("password1234", user=world.users.chef_a)


def test_login_rotates_the_session_key(world, client):
    client.get(LOGIN)
    client.cookies["sessionid"] = "avant-connexion"
    response = client.post(LOGIN, {"username": "chef_a", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != "avant-connexion"


def test_repeated_failures_lock_the_account_then_even_the_right_password_fails(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": "chef_a", "password": "mauvais-mot-de-passe"})
    assert response.status_code in (200, 403, 429)
    response = client.post(LOGIN, {"username": "chef_a", "password": TEST_PASSWORD})
    assert response.status_code in (403, 429)
    assert "bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_french_message(world, client):
    response = client.post(LOGIN, {"username": "chef_a", "password": "mauvais-mot-de-passe"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_activity_pushes_the_session_expiry_back_at_most_once_a_minute(world, client_for):
    from django.contrib.sessions.models import Session

    from accounts.middleware import LAST_SEEN_SESSION_KEY

    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    client = client_for(world.users.chef_a)
    client.get("/")
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date == first
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = 0
    session.save()
    saved = Session.objects.get(session_key=key).expire_date
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > saved


def test_session_expires_after_inactivity(world, client_for, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC))
    client = client_for(world.users.chef_a)
    assert client.get(reverse("students:list")).status_code == 200
    time_machine.move_to(dt.datetime(2026, 9, 1, 8, 31, tzinfo=dt.UTC))
    response = client.get(reverse("students:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_no_password_in_logs(world, client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post(LOGIN, {"username": "chef_a", "password": "secret-tres-particulier"})
        client.post(LOGIN, {"username": "chef_a", "password": TEST_PASSWORD})
    assert "secret-tres-particulier" not in caplog.text
    assert TEST_PASSWORD not in caplog.text


def test_user_with_no_role_sees_nothing(world, client_for):
    client = client_for(world.users.norole)
    home = client.get("/")
    assert home.status_code == 200
    assert "Aucun rôle attribué" in home.content.decode()
    assert client.get(reverse("students:list")).status_code == 404
    assert client.get(reverse("territories:school_list")).status_code == 404


def test_switching_role_changes_the_scope(world, client_for):
    user = UserFactory(username="double")
    RoleAssignmentFactory(user=user, role=Role.CHEF_ETABLISSEMENT, etablissement=world.school_a)
    other = RoleAssignmentFactory(user=user, role=Role.IA_DASEN, departement=world.dep2)
    client = client_for(user)
    link = "/structures/{}/"
    page = client.get(reverse("territories:school_list")).content.decode()
    assert link.format(world.school_a.uai) in page
    response = client.post(reverse("accounts:switch_role"), {"role_id": other.id})
    assert response.status_code == 302
    page = client.get(reverse("territories:school_list")).content.decode()
    assert link.format(world.school_d.uai) in page
    assert link.format(world.school_a.uai) not in page


def test_cannot_switch_to_someone_elses_role(world, client_for):
    foreign = world.users.dasen2.role_assignments.get()
    client = client_for(world.users.chef_a)
    client.post(reverse("accounts:switch_role"), {"role_id": foreign.id})
    page = client.get(reverse("territories:school_list")).content.decode()
    assert f"/structures/{world.school_d.uai}/" not in page


def test_switch_role_is_post_only(world, client_for):
    assert client_for(world.users.chef_a).get(reverse("accounts:switch_role")).status_code == 405


def test_404_page_is_french_and_styled(world, client_for):
    response = client_for(world.users.chef_a).get("/nulle-part/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page introuvable" in text and "fr-header" in text


def test_healthz_is_public(client, db):
    assert client.get("/healthz").json()["statut"] == "ok"


def test_api_requires_authentication(db, client):
    response = client.get("/api/v1/eleves/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_api_schema_and_docs_for_staff(world, client_for):
    client = client_for(world.users.chef_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/eleves/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_api_404_is_json_in_french(world, api_for):
    response = api_for(world.users.chef_a).get("/api/v1/eleves/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "introuvable" in response.json()["detail"]
