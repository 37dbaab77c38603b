"""A request for a lycée of another département (circulaire 2017-066, domain.md §4.4-4.5).

The family's explicit and reasoned request for another school is transmitted to the
commission of the département of the requested school: that commission sees it on its docket
and decides; the school of origin, its CIO and its département's commission keep reading the
dossier and see the outcome; outsiders get nothing.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import services
from dossiers.enums import DossierState
from dossiers.models import RepreparationDossier
from notifications.enums import DeadlineKind
from notifications.models import Deadline

from ..territories.factories import EtablissementFactory
from .conftest import assign, pdf_text, walk
from .factories import CapacityFactory, DossierFactory, SessionFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/reprepa"
REASON = "La famille déménage à Bobigny à la rentrée."


@pytest.fixture
def to_093(world, frozen):
    """A pupil of 077 (school A) asks for school D, a lycée of 093, with a reason."""
    d = DossierFactory(student__current_school=world.school_a, student__last_name="Benali")
    walk(d, world.users.chef_a, "entretien_realise")
    d.express_wish(by=world.users.chef_a, wish="changement")
    d.transmit_to_commission(
        by=world.users.chef_a,
        proposed_school=world.school_d,
        requested_formation="Terminale professionnelle MELEC",
        request_reason=REASON,
    )
    return d


def test_circulaire_2017_066_request_for_another_departement_goes_to_that_commission(world, to_093):
    """Circulaire 2017-066: no longer refused; the requested school's commission examines it."""
    to_093.refresh_from_db()
    assert to_093.state == DossierState.TRANSMIS_COMMISSION
    assert to_093.commission_departement == world.dep2
    assert to_093.is_cross_departement
    assert list(SessionFactory(commission__departement=world.dep2).pending_dossiers()) == [to_093]
    assert list(SessionFactory(commission__departement=world.dep1).pending_dossiers()) == []
    assert "transmis à la commission d'affectation de Seine-Saint-Denis" in (
        to_093.transitions.last().comment
    )


def test_circulaire_2017_066_a_request_for_another_departement_must_be_reasoned(world, dossier):
    """Circulaire 2017-066: « demande explicite et motivée » — the reason is required."""
    walk(dossier, world.users.chef_a, "entretien_realise")
    dossier.express_wish(by=world.users.chef_a, wish="changement")
    with pytest.raises(ValidationError, match="autre département doit être motivée"):
        dossier.transmit_to_commission(by=world.users.chef_a, proposed_school=world.school_d)
    with pytest.raises(ValidationError, match="autre département doit être motivée"):
        dossier.transmit_to_commission(
            by=world.users.chef_a, proposed_school=world.school_d, request_reason="   "
        )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SOUHAIT_EXPRIME


def test_seed_000_receiving_school_is_a_lycee_not_a_college_nor_a_cfa(world, dossier):
    """Seed 000: « affectation en Terminale » — a collège or a CFA cannot be proposed."""
    walk(dossier, world.users.chef_a, "entretien_realise")
    dossier.express_wish(by=world.users.chef_a, wish="changement")
    college = EtablissementFactory(bassin=world.bassin1, college=True)
    cfa = EtablissementFactory(bassin=world.bassin1, school_type="cfa", name="CFA des métiers")
    for school in (college, cfa):
        with pytest.raises(ValidationError, match="doit être un lycée public"):
            dossier.transmit_to_commission(by=world.users.chef_a, proposed_school=school)


def test_the_requested_commission_decides_and_the_origin_reads_the_outcome(
    world, to_093, client_for, media_root, frozen
):
    session = SessionFactory(commission__departement=world.dep2)
    capacity = CapacityFactory(commission=session.commission, school=world.school_d, places=2)
    # The commission of origin can no longer decide it.
    with pytest.raises(ValidationError, match="autre département"):
        services.decide(
            session=SessionFactory(commission__departement=world.dep1),
            dossier=to_093,
            outcome="non_affecte",
            reason="x",
            by=world.users.dasen1,
        )
    docket = client_for(world.users.commission2).get(session.get_absolute_url()).text
    assert "BENALI" in docket and "Demande venue d'un autre département" in docket
    assert REASON in docket
    assign(
        session=session,
        dossier=to_093,
        capacity=capacity,
        by=world.users.commission2,
        pronounced_by=world.users.dasen2,
    )
    to_093.refresh_from_db()
    assert to_093.state == DossierState.DECIDE_COMMISSION
    assert to_093.decided_school == world.school_d
    detail = reverse("dossiers:detail", args=[to_093.public_id])
    for origin in (world.users.chef_a, world.users.cio1, world.users.ienio1, world.users.dasen1):
        page = client_for(origin).get(detail)
        assert page.status_code == 200, origin
        assert "Affecté : Lycée Louise Michel" in page.text
    # The origin's head writes the letter; it names the deciding commission's département.
    client = client_for(world.users.chef_a)
    assert client.post(reverse("dossiers:document_create", args=[to_093.public_id, "lettre"]))
    doc = to_093.documents.get()
    text = pdf_text(doc.file.path)
    assert "commission d'affectation du département Seine-Saint-Denis" in text
    assert "Lycée Louise Michel" in text
    # Both commissions read that letter; the 093 school head does not.
    for reader in (world.users.commission2, world.users.ienio1, world.users.chef_a):
        assert client_for(reader).get(doc.get_absolute_url()).status_code == 200, reader
    assert client_for(world.users.chef_d).get(doc.get_absolute_url()).status_code == 404
    # Once the family is informed, the enrolment offers the other département's lycée.
    to_093.inform_family(by=world.users.chef_a, on=frozen, channel="courrier")
    form = client.get(detail).text
    assert f'value="{world.school_d.pk}"' in form
    to_093.confirm_enrolment(by=world.users.chef_a, school=world.school_d)
    assert to_093.state == DossierState.INSCRIT_RENTREE


def test_outsiders_still_get_404_pages_and_api(world, to_093, client_for, api_for):
    detail = reverse("dossiers:detail", args=[to_093.public_id])
    for outsider in (world.users.chef_d, world.users.chef_b, world.users.mlds2, world.users.pilot):
        assert client_for(outsider).get(detail).status_code == 404, outsider
        assert api_for(outsider).get(f"{API}/dossiers/{to_093.public_id}/").status_code == 404, (
            outsider
        )
    # The 093 commission reads it, through the pages and the API, docket included.
    assert client_for(world.users.commission2).get(detail).status_code == 200
    api = api_for(world.users.dasen2)
    body = api.get(f"{API}/dossiers/{to_093.public_id}/").json()
    assert body["commission_departement"] == "093" and body["request_reason"] == REASON
    session = SessionFactory(commission__departement=world.dep2)
    docket = api.get(f"{API}/seances/{session.public_id}/docket/").json()
    assert [row["id"] for row in docket["results"]] == [str(to_093.public_id)]
    # A dossier of 077 that stays in 077 is not shown to 093.
    local = DossierFactory(student__current_school=world.school_a, transmitted=True)
    assert client_for(world.users.commission2).get(local.get_absolute_url()).status_code == 404
    assert not RepreparationDossier.objects.visible_to(world.users.dasen2).filter(pk=local.pk)


def test_the_api_transmits_to_another_departement_with_the_same_guards(world, dossier, api_for):
    walk(dossier, world.users.chef_a, "entretien_realise")
    dossier.express_wish(by=world.users.chef_a, wish="changement")
    path = f"{API}/dossiers/{dossier.public_id}/transition/"
    body = {"action": "transmit_to_commission", "proposed_school_uai": world.school_d.uai}
    client = api_for(world.users.chef_a)
    refused = client.post(path, body, format="json")
    assert refused.status_code == 409 and "doit être motivée" in refused.json()["detail"]
    ok = client.post(path, {**body, "request_reason": REASON}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["commission_departement"] == "093"


def test_deadlines_follow_the_request_to_the_requested_commission(world, to_093):
    """The commission's deadline goes to the commission that examines the request."""
    deadline = Deadline.objects.get(kind=DeadlineKind.COMMISSION_SESSION)
    assert deadline.departement == world.dep2 and deadline.school is None
    assert Deadline.objects.visible_to(world.users.commission2).filter(pk=deadline.pk).exists()
