"""`load_demo`: a realistic académie with one account per role, each seeing its own scope."""

import pytest
from django.core.management import CommandError, call_command

from accounts.enums import Role
from accounts.models import User
from demo.management.commands.load_demo import DEMO_PASSWORD
from reports.indicators import DROPOUTS, aggregate, scoped
from reports.models import DropoutCell, IndicatorRefresh
from students.models import Enrolment, Student
from students.validators import ine_format
from territories.models import CIO, Bassin, Departement, Etablissement
from territories.validators import is_valid_uai

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    call_command("load_demo", "--pupils", "300", "--without-apps")
    return capsys.readouterr().out


def role_of(username):
    user = User.objects.get(username=username)
    user.active_role = user.roles[0]
    return user, user.roles[0]


def test_builds_the_territory_with_valid_identifiers(demo):
    assert set(Departement.objects.values_list("code", flat=True)) == {"077", "093", "094"}
    assert Bassin.objects.count() == CIO.objects.count() == 10
    assert 110 <= Etablissement.objects.count() <= 130
    assert all(is_valid_uai(uai) for uai in Etablissement.objects.values_list("uai", flat=True))
    assert all(is_valid_uai(uai) for uai in CIO.objects.values_list("uai", flat=True))
    types = set(Etablissement.objects.values_list("school_type", flat=True))
    assert types == {"college", "lgt", "lp", "lpo", "erea", "cfa", "agricole", "prive"}
    assert Student.objects.count() == 300
    assert all(ine_format(ine) for ine in Student.objects.values_list("ine", flat=True))
    assert Enrolment.objects.filter(school_year__isnull=False).count() >= 300


def test_every_demo_account_has_its_role_and_scope(demo):
    chef, role = role_of("chef.lycee")
    lpo = role.etablissement
    assert (role.role, lpo.school_type, lpo.departement.code) == (
        Role.CHEF_ETABLISSEMENT,
        "lpo",
        "077",
    )
    levels = set(lpo.students.values_list("level", flat=True))
    assert {"TG", "TT", "TPRO", "CAP1", "CAP2"} <= levels
    assert chef.check_password(DEMO_PASSWORD)

    _, referent = role_of("referent.lycee")
    assert (referent.role, referent.etablissement) == (Role.REFERENT_DECROCHAGE, lpo)
    _, college = role_of("chef.college")
    assert (college.etablissement.school_type, college.etablissement.departement.code) == (
        "college",
        "077",
    )
    _, cio = role_of("directeur.cio")
    assert (cio.role, cio.bassin) == (Role.DIRECTEUR_CIO, lpo.bassin)
    for username, expected in [
        ("commission.77", Role.MEMBRE_COMMISSION),
        ("ienio.77", Role.IEN_IO),
        ("dasen.77", Role.IA_DASEN),
        ("mlds.77", Role.COORDONNATEUR_MLDS),
    ]:
        _, role = role_of(username)
        assert (role.role, role.departement.code) == (expected, "077")
    dasen77 = User.objects.get(username="dasen.77")
    assert [(r.role, r.departement.code) for r in dasen77.roles] == [
        (Role.IA_DASEN, "077"),
        (Role.IEN_IO, "094"),
    ]
    _, dasen93 = role_of("dasen.93")
    assert (dasen93.role, dasen93.departement.code) == (Role.IA_DASEN, "093")
    _, foquale = role_of("foquale")
    assert foquale.role == Role.RESPONSABLE_FOQUALE
    assert foquale.network.schools.filter(pk=lpo.pk).exists()
    assert foquale.network.head_school == lpo
    _, pilote = role_of("pilote")
    assert (pilote.role, pilote.academie.name) == (Role.PILOTE_ACADEMIQUE, "Académie de Créteil")
    admin, role = role_of("admin")
    assert role.role == Role.ADMINISTRATEUR
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    for username in ("chef.lycee", "directeur.cio", "dasen.93", "foquale", "pilote", "admin"):
        assert username in demo


def test_each_account_sees_exactly_its_scope(demo):
    chef, role = role_of("chef.lycee")
    assert set(Student.objects.visible_to(chef).values_list("current_school", flat=True)) == {
        role.etablissement_id
    }
    cio, role = role_of("directeur.cio")
    seen = Student.objects.visible_to(cio)
    assert seen.count() == Student.objects.filter(current_school__bassin=role.bassin).count() > 0
    dasen93, _ = role_of("dasen.93")
    codes = set(
        Student.objects.visible_to(dasen93).values_list(
            "current_school__departement__code", flat=True
        )
    )
    assert codes == {"093"}
    pilote, _ = role_of("pilote")
    assert not Student.objects.visible_to(pilote).exists()
    admin, _ = role_of("admin")
    assert Student.objects.visible_to(admin).count() == 300


def test_refuses_to_load_twice_without_reset(demo):
    with pytest.raises(CommandError, match="--reset"):
        call_command("load_demo", "--pupils", "10", "--without-apps")
    assert Student.objects.count() == 300


@pytest.mark.django_db(transaction=True)
def test_reset_wipes_and_reloads(capsys):
    call_command("load_demo", "--pupils", "50", "--without-apps")
    call_command("load_demo", "--pupils", "80", "--without-apps", "--reset")
    assert Student.objects.count() == 80
    assert User.objects.filter(username="chef.lycee").count() == 1


def test_demo_of_every_app_loads_without_error(capsys):
    """Runs each app's `demo.build` strictly: a broken builder fails here, not in `make run`."""
    call_command("load_demo", "--pupils", "300", "--strict")
    out = capsys.readouterr().out
    assert "Démonstration prête" in out
    # The steering figures are precomputed, as the periodic task keeps them in production,
    # and equal the live computation: dashboards do not start by reading the whole académie.
    assert "Chiffres de pilotage précalculés" in out
    assert IndicatorRefresh.objects.filter(full=True).exists() and DropoutCell.objects.exists()
    pilote = User.objects.get(username="pilote")
    for territory, dims in (("departement", ["voie", "annee"]), ("etablissement", ["niveau"])):
        published = aggregate(
            DROPOUTS, scoped(DROPOUTS, pilote), territory=territory, dimensions=dims
        )
        live = aggregate(
            DROPOUTS, scoped(DROPOUTS, pilote, live=True), territory=territory, dimensions=dims
        )
        assert list(published) == list(live) and list(live)
