"""Administrators open and manage the académie's accounts (page and CSV command)."""

import html

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.enums import AuthMethod, Role
from accounts.models import AuthEvent, RoleAssignment, User

pytestmark = pytest.mark.django_db

LIST = "/compte/comptes/"


def text(response):
    return html.unescape(response.content.decode())


def create(client, **data):
    payload = {
        "email": "Nouvel.Agent@AC-Creteil.fr",
        "first_name": "Nadia",
        "last_name": "Benali",
        "role": Role.CHEF_ETABLISSEMENT,
        "structure": "",
    }
    payload.update(data)
    return client.post(LIST, payload)


def test_administrator_opens_an_account_by_email_with_its_role(world, client_for):
    admin = client_for(world.users.admin)
    response = create(admin, structure=world.school_b.uai.lower())
    assert response.status_code == 302
    user = User.objects.get(email="nouvel.agent@ac-creteil.fr")
    assert not user.has_usable_password()
    assert user.home_academie == world.academie
    role = user.role_assignments.get()
    assert role.role == Role.CHEF_ETABLISSEMENT and role.etablissement == world.school_b
    event = AuthEvent.objects.get(user=user)
    assert event.by == world.users.admin and "Compte ouvert" in event.reason
    page = text(admin.get(LIST, {"q": "nouvel"}))
    assert "nouvel.agent@ac-creteil.fr" in page and "jamais" in page


def test_same_email_in_another_case_adds_the_role_instead_of_a_second_account(world, client_for):
    admin = client_for(world.users.admin)
    create(admin, structure=world.school_b.uai)
    create(admin, email="NOUVEL.AGENT@ac-creteil.fr", role=Role.IEN_IO, structure="077")
    assert User.objects.filter(email__iexact="nouvel.agent@ac-creteil.fr").count() == 1
    assert RoleAssignment.objects.filter(user__email="nouvel.agent@ac-creteil.fr").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"structure": "0000000X"}, "Aucune structure de votre académie"),
        ({"role": Role.IA_DASEN, "structure": "999"}, "code du département"),
        ({"email": "pas-une-adresse", "structure": "077"}, "adresse e-mail valide"),
        ({"role": "dieu", "structure": "077"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_gets_a_french_message_and_creates_nothing(world, client_for, data, message):
    before = User.objects.count()
    response = create(client_for(world.users.admin), **data)
    assert response.status_code == 200
    assert message in text(response)
    assert User.objects.count() == before


def test_structure_outside_the_academie_is_refused(world, client_for):
    from ..territories.factories import AcademieFactory, DepartementFactory

    DepartementFactory(code="075", academie=AcademieFactory(code="PAR"))
    response = create(client_for(world.users.admin), role=Role.IA_DASEN, structure="075")
    assert "Aucune structure de votre académie" in text(response)


def test_last_login_and_how_are_shown(world, client_for, client):
    from ..conftest import TEST_PASSWORD

    client.post("/compte/connexion/", {"username": "chef_a", "password": TEST_PASSWORD})
    chef = User.objects.get(username="chef_a")
    assert chef.last_login_method == AuthMethod.PASSWORD
    page = text(client_for(world.users.admin).get(LIST, {"q": chef.last_name}))
    assert f"{chef.last_login.astimezone().strftime('%d/%m/%Y')}" in page
    assert "Mot de passe" in page


def test_deactivated_account_cannot_sign_in(world, client_for, client):
    from ..conftest import TEST_PASSWORD

    admin = client_for(world.users.admin)
    chef = world.users.chef_a
    admin.post(reverse("accounts:account_action", args=[chef.pk, "desactiver"]))
    chef.refresh_from_db()
    assert not chef.is_active
    client.post("/compte/connexion/", {"username": "chef_a", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_outsiders_get_404(world, client_for):
    from ..territories.factories import AcademieFactory
    from .factories import RoleAssignmentFactory, UserFactory

    elsewhere = UserFactory(username="admin_paris")
    RoleAssignmentFactory(user=elsewhere, role=Role.ADMINISTRATEUR, academie=AcademieFactory())
    foreign = client_for(elsewhere)
    chef = world.users.chef_a
    assert foreign.get(reverse("accounts:account_detail", args=[chef.pk])).status_code == 404
    assert (
        foreign.post(reverse("accounts:account_action", args=[chef.pk, "desactiver"])).status_code
        == 404
    )
    assert "chef_a" not in text(foreign.get(LIST))
    for user in (world.users.chef_a, world.users.dasen1, world.users.pilot):
        assert client_for(user).get(LIST).status_code == 404
    chef.refresh_from_db()
    assert chef.is_active


def test_account_list_query_count_is_constant(world, client_for, django_assert_max_num_queries):
    from .factories import RoleAssignmentFactory, UserFactory

    admin = client_for(world.users.admin)
    admin.get(LIST)
    for n in range(30):
        RoleAssignmentFactory(
            user=UserFactory(username=f"lot{n}"),
            role=Role.CHEF_ETABLISSEMENT,
            etablissement=world.school_b,
        )
    with django_assert_max_num_queries(14):
        assert admin.get(LIST).status_code == 200


def test_csv_command_opens_accounts_row_by_row(world, tmp_path, capsys):
    path = tmp_path / "agents.csv"
    path.write_bytes(
        (
            "email;prenom;nom;role;structure\n"
            f"a.martin@ac-creteil.fr;Alice;Martin;chef_etablissement;{world.school_c.uai}\n"
            "b.petit@ac-creteil.fr;Bruno;Petit;IA-DASEN;093\n"
            "pas-une-adresse;X;Y;ien_io;077\n"
            "c.roux@ac-creteil.fr;Céline;Roux;pape;077\n"
            "A.MARTIN@ac-creteil.fr;Alice;Martin;referent_decrochage;" + world.school_c.uai + "\n"
        ).encode("cp1252")
    )
    call_command("import_agents", str(path), "--academie", world.academie.code)
    out = capsys.readouterr()
    assert "2 compte(s) ont été ouverts, 1 complété(s) d'un rôle, 2 ligne(s) refusée(s)" in out.out
    assert "ligne 4" in out.err and "ligne 5 : rôle inconnu « pape »" in out.err
    alice = User.objects.get(email="a.martin@ac-creteil.fr")
    assert alice.role_assignments.count() == 2 and alice.first_name == "Alice"
    assert (
        User.objects.get(email="b.petit@ac-creteil.fr").role_assignments.get().role == Role.IA_DASEN
    )


def test_csv_command_dry_run_saves_nothing(world, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_text("email,prenom,nom,role,structure\nz@ac-creteil.fr,Z,Z,ien_io,077\n")
    call_command("import_agents", str(path), "--dry-run")
    assert not User.objects.filter(email="z@ac-creteil.fr").exists()


def test_email_migration_keeps_the_address_on_the_most_recent_account(world):
    """The data migration settles duplicates left by the time e-mails were free text."""
    import importlib

    from django.apps import apps as global_apps
    from django.db import connection

    migration = importlib.import_module("accounts.migrations.0005_normalise_staff_emails")
    a, b = world.users.chef_a, world.users.chef_b
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS user_email_unique_any_case")
    User.objects.filter(pk=a.pk).update(email=" Double@AC-Creteil.fr ")
    User.objects.filter(pk=b.pk).update(email="double@ac-creteil.fr", is_active=False)
    migration.normalise_emails(global_apps, None)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.email == "double@ac-creteil.fr" and b.email == ""
    event = AuthEvent.objects.get(user=b)
    assert "double@ac-creteil.fr retirée" in event.reason and "chef_a" in event.reason


def test_hostile_parameters_never_fail(world, client_for):
    admin = client_for(world.users.admin)
    for params in ({"q": "a\x00b"}, {"page": "-5"}, {"page": "x" * 500}, {"q": "é" * 300}):
        assert admin.get(LIST, params).status_code == 200
    assert admin.get("/compte/comptes/999999999/").status_code == 404
    assert admin.post("/compte/comptes/1/inconnue/").status_code == 404
    assert admin.get("/compte/acces-exceptionnels/", {"page": "\x00"}).status_code == 200


def test_login_log_query_count_is_constant(world, client_for, django_assert_max_num_queries):
    from accounts.enums import AuthEventKind

    admin = client_for(world.users.admin)
    admin.get("/tracabilite/connexions/")
    AuthEvent.objects.bulk_create(
        [
            AuthEvent(kind=AuthEventKind.LOGIN_FAILURE, user=world.users.chef_a, username="chef_a")
            for _ in range(60)
        ]
    )
    with django_assert_max_num_queries(12):
        assert admin.get("/tracabilite/connexions/").status_code == 200
