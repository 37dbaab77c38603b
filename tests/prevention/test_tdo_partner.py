"""Tous droits ouverts name their partner from the one directory (territories.Partner)."""

import datetime as dt

import pytest
from django.urls import reverse

from prevention.models import Tdo
from territories.enums import PartnerKind
from territories.models import Partner, PartnerContact

from .factories import TdoFactory

pytestmark = pytest.mark.django_db


def accepted_tdo(world):
    tdo = TdoFactory(student__current_school=world.school_a)
    tdo.answer(by=None, accepted=True, answered_on=dt.date(2025, 11, 5))
    return tdo


def action_url(tdo, name="demarrer"):
    return reverse("prevention:tdo_action", args=[tdo.public_id, name])


def start_form(**fields):
    """The start form's fields as the page posts them (prefixed with the action)."""
    return {f"demarrer-{name}": value for name, value in fields.items()}


def directory(world):
    return {
        "ours": Partner.objects.create(
            name="Mission locale de Melun",
            partner_type=PartnerKind.MISSION_LOCALE,
            departement=world.dep1,
        ),
        "academie": Partner.objects.create(
            name="EPIDE de Meaux", partner_type=PartnerKind.EPIDE, departement=None
        ),
        "theirs": Partner.objects.create(
            name="E2C de Bobigny", partner_type=PartnerKind.E2C, departement=world.dep2
        ),
        "closed": Partner.objects.create(
            name="CFA fermé",
            partner_type=PartnerKind.CFA,
            departement=world.dep1,
            is_active=False,
        ),
    }


def test_the_start_form_offers_the_partners_serving_the_schools_departement(world, client_for):
    partners = directory(world)
    tdo = accepted_tdo(world)
    page = client_for(world.users.referent_a).get(tdo.get_absolute_url()).text
    assert "Mission locale de Melun" in page and "EPIDE de Meaux" in page
    assert "E2C de Bobigny" not in page and "CFA fermé" not in page
    assert f'value="{partners["theirs"].pk}"' not in page
    assert f'value="{partners["ours"].pk}"' in page


def test_starting_with_a_directory_partner_links_it_and_its_contact(world, client_for):
    partner = directory(world)["ours"]
    known = PartnerContact.objects.create(partner=partner, name="Mme Durand")
    tdo = accepted_tdo(world)
    response = client_for(world.users.referent_a).post(
        action_url(tdo),
        start_form(partner=partner.pk, partner_contact="  mme   DURAND ", start_date="2025-11-10"),
    )
    assert response.status_code == 302
    tdo.refresh_from_db()
    assert tdo.status == "en_parcours"
    assert (tdo.partner, tdo.contact) == (partner, known)
    assert partner.contacts.count() == 1
    page = client_for(world.users.referent_a).get(tdo.get_absolute_url()).text
    assert "Mission locale — Mission locale de Melun, contact : Mme Durand" in page
    assert (
        tdo.events.last().label == "Début chez Mission locale de Melun (statut scolaire conservé)"
    )


def test_a_partner_of_another_departement_is_refused(world, client_for):
    partner = directory(world)["theirs"]
    tdo = accepted_tdo(world)
    response = client_for(world.users.referent_a).post(
        action_url(tdo), start_form(partner=partner.pk, start_date="2025-11-10")
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    tdo.refresh_from_db()
    assert tdo.status == "accepte" and tdo.partner is None
    with pytest.raises(Exception, match="pas dans l'annuaire des partenaires du département"):
        tdo.start(by=None, partner=partner, start_date=dt.date(2025, 11, 10))


def test_a_structure_named_by_hand_is_found_in_or_added_to_the_directory(world, client_for):
    partners = directory(world)
    client = client_for(world.users.referent_a)
    first = accepted_tdo(world)
    response = client.post(
        action_url(first),
        start_form(
            partner_kind="mission_locale",
            partner_name="mission locale de  MELUN",
            partner_contact="M. Lenoir",
            start_date="2025-11-10",
        ),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.partner == partners["ours"]  # found by name, not duplicated
    assert first.contact.name == "M. Lenoir" and first.contact.partner == partners["ours"]

    second = TdoFactory(student__current_school=world.school_b)
    second.answer(by=None, accepted=True, answered_on=dt.date(2025, 11, 5))
    response = client_for(world.users.chef_b).post(
        action_url(second),
        start_form(partner_kind="e2c", partner_name="E2C de Bobigny", start_date="2025-11-10"),
    )
    assert response.status_code == 302
    second.refresh_from_db()
    # The homonym of another département is not ours: a record of our département is added.
    assert second.partner != partners["theirs"]
    assert (second.partner.departement, second.partner.partner_type) == (world.dep1, "e2c")
    assert Partner.objects.filter(name="E2C de Bobigny").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choisissez la structure partenaire dans l&#x27;annuaire."),
        ({"partner_name": "Association Tremplin"}, "Choisissez le type de la structure."),
    ],
)
def test_the_start_form_says_what_is_missing(world, client_for, data, message):
    tdo = accepted_tdo(world)
    response = client_for(world.users.referent_a).post(
        action_url(tdo), start_form(start_date="2025-11-10", **data)
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Partner.objects.filter(name="Association Tremplin").exists()


def test_the_api_names_the_partner_from_the_directory(world, client_for):
    partner = directory(world)["ours"]
    tdo = accepted_tdo(world)
    tdo.start(by=None, partner=partner, start_date=dt.date(2025, 11, 10))
    TdoFactory(student__current_school=world.school_a)  # not started: no partner
    rows = client_for(world.users.referent_a).get("/api/v1/prevention/tous-droits-ouverts/").json()
    rows = rows.get("results", rows)
    by_id = {row["id"]: row for row in rows}
    assert by_id[str(tdo.public_id)]["partner_name"] == "Mission locale de Melun"
    assert by_id[str(tdo.public_id)]["partner_kind"] == "mission_locale"
    assert [r["partner_name"] for r in rows if r["id"] != str(tdo.public_id)] == [""]
    assert Tdo.objects.count() == 2
