import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role

from ..accounts.factories import RoleAssignmentFactory, UserFactory
from ..territories.factories import EtablissementFactory
from .factories import ActionFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_network_list_personas(world, client_for):
    url = reverse("foquale:network_list")
    for user in (world.users.foquale, world.users.chef_a, world.users.dasen1, world.users.pilot):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert world.network.name in response.text
    assert world.network.name not in client_for(world.users.chef_b).get(url).text
    assert world.network.name not in client_for(world.users.chef_d).get(url).text
    assert client_for(world.users.norole).get(url).status_code == 404


def test_network_page_shows_members_partners_and_coordinator(world, client_for):
    partner = PartnerFactory(name="Mission locale de Melun")
    world.network.partners.add(partner)
    world.network.mlds_coordinator = world.users.mlds1
    world.network.save()
    url = reverse("foquale:network_detail", args=[world.network.public_id])
    text = client_for(world.users.foquale).get(url).text
    for expected in (
        world.school_a.name,
        world.school_c.name,
        partner.name,
        str(world.users.mlds1),
    ):
        assert expected in text
    assert str(world.users.foquale) in text  # the responsable FoQualE holds the role
    assert world.school_b.name not in text


def test_outsiders_get_404_on_network_pages(world, client_for):
    for name in ("network_detail", "diagnosis"):
        url = reverse(f"foquale:{name}", args=[world.network.public_id])
        assert client_for(world.users.chef_a).get(url).status_code == 200
        for user in (
            world.users.chef_b,
            world.users.chef_d,
            world.users.dasen2,
            world.users.norole,
        ):
            assert client_for(user).get(url).status_code == 404


def test_only_the_head_manages_the_network(world, client_for):
    url = reverse("foquale:network_edit", args=[world.network.public_id])
    assert client_for(world.users.foquale).get(url).status_code == 200
    for user in (world.users.chef_a, world.users.pilot, world.users.dasen1):
        assert client_for(user).get(url).status_code == 404
    other_head = UserFactory()
    from territories.models import Network

    other = Network.objects.create(name="Autre réseau", head_school=world.school_d)
    other.schools.set([world.school_d])
    RoleAssignmentFactory(user=other_head, role=Role.RESPONSABLE_FOQUALE, network=other)
    assert client_for(other_head).get(url).status_code == 404


def test_head_sets_coordinator_and_adds_partner(world, client_for):
    client = client_for(world.users.foquale)
    url = reverse("foquale:network_edit", args=[world.network.public_id])
    response = client.post(url, {"mlds_coordinator": world.users.mlds1.pk})
    assert response.status_code == 302
    world.network.refresh_from_db()
    assert world.network.mlds_coordinator == world.users.mlds1
    # A coordinator of another département is not offered.
    response = client.post(url, {"mlds_coordinator": world.users.mlds2.pk})
    assert response.status_code == 200 and "fr-error-text" in response.text
    client.post(
        reverse("foquale:partner_add", args=[world.network.public_id]),
        {"partenaire-name": "E2C Seine-et-Marne", "partenaire-kind": "e2c"},
    )
    assert world.network.partners.filter(name="E2C Seine-et-Marne").exists()


def test_network_page_query_count_is_constant(world, client_for):
    client = client_for(world.users.foquale)
    url = reverse("foquale:network_detail", args=[world.network.public_id])
    ActionFactory(network=world.network)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        school = EtablissementFactory(bassin=world.bassin1)
        world.network.schools.add(school)
        world.network.partners.add(PartnerFactory())
        ActionFactory(network=world.network, partner=PartnerFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
