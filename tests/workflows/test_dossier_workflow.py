"""The re-preparation dossier on the lifecycle engine: one success under a double action, the
page offers only what can succeed now (and says why not), the API takes the page's fields."""

import datetime as dt
from functools import partial

import pytest
from django.urls import reverse

from dossiers.enums import DossierState
from dossiers.models import DossierTransition, RepreparationDossier
from dossiers.workflow import DOSSIER_WORKFLOW
from tests.dossiers.conftest import walk
from tests.dossiers.factories import DossierFactory
from workflows.engine import TransitionRefused

from .race import race

API = "/api/v1"


@pytest.mark.django_db(transaction=True)
def test_two_heads_recording_the_wish_at_once_give_one_success(world, time_machine):
    time_machine.move_to(dt.datetime(2025, 7, 9, 10), tick=False)
    d = DossierFactory(student__current_school=world.school_a)
    walk(d, world.users.chef_a, "entretien_realise")
    d.express_wish(by=world.users.chef_a, wish="reinscription")
    calls = [
        partial(RepreparationDossier.objects.get(pk=d.pk).reenrol, by=world.users.chef_a)
        for _ in range(2)
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert DossierTransition.objects.filter(dossier=d, action="reenrol").count() == 1
    assert d.__class__.objects.get(pk=d.pk).state == DossierState.REINSCRIT


def test_a_refusal_is_one_exception_type_with_a_french_message(world, dossier):
    with pytest.raises(TransitionRefused, match="n'est possible que si"):
        dossier.reenrol(by=world.users.chef_a)
    with pytest.raises(TransitionRefused, match="au moins une invitation"):
        dossier.mark_contact_impossible(by=world.users.chef_a)
    assert not DossierTransition.objects.filter(dossier=dossier).exists()


def test_the_page_disables_what_cannot_succeed_and_says_why(world, dossier, client_for):
    walk(dossier, world.users.chef_a, "entretien_realise")
    dossier.express_wish(by=world.users.chef_a, wish="changement")
    page = client_for(world.users.chef_a).get(reverse("dossiers:detail", args=[dossier.public_id]))
    html = page.content.decode()
    # A change of school goes to the commission; re-enrolment and another route cannot succeed.
    assert 'data-testid="action-transmit_to_commission"' in html
    assert 'data-testid="disabled-reenrol"' in html
    assert "suppose que l&#x27;élève l&#x27;ait demandée" in html
    assert 'data-testid="disabled-orient_elsewhere"' in html
    offers = page.context["offers"]
    assert [o.name for o in offers if o.enabled] == [
        "express_wish",
        "transmit_to_commission",
        "declare_without_solution",
    ]
    assert page.context["next_step"] == "Transmettre à la commission d'affectation"


def test_once_the_right_has_lapsed_the_next_step_says_so(world, dossier, client_for, on_day):
    walk(dossier, world.users.chef_a, "entretien_realise")
    dossier.express_wish(by=world.users.chef_a, wish="reinscription")
    on_day(dossier.right_end + dt.timedelta(days=1))
    page = client_for(world.users.chef_a).get(reverse("dossiers:detail", args=[dossier.public_id]))
    offers = {o.name: o for o in page.context["offers"]}
    assert not offers["reenrol"].enabled and "a pris fin" in offers["reenrol"].reason
    assert not offers["transmit_to_commission"].enabled
    assert page.context["next_step"].startswith(
        "Réinscrire dans l'établissement d'origine : impossible pour l'instant"
    )
    assert "Déclarer sans solution à la rentrée" in page.context["next_step"]


def test_the_referent_is_offered_only_the_accompaniment(world, dossier, client_for):
    page = client_for(world.users.referent_a).get(
        reverse("dossiers:detail", args=[dossier.public_id])
    )
    names = {o.name for o in page.context["offers"]}
    assert names == {"plan_entretien", "record_entretien", "mark_contact_impossible"}


def test_the_api_action_takes_the_page_form_fields_including_the_school(world, dossier, api_for):
    walk(dossier, world.users.chef_a, "reinscrit")
    client = api_for(world.users.chef_a)
    base = f"{API}/reprepa/dossiers/{dossier.public_id}/actions"
    r = client.post(f"{base}/inform_family/", {"on": "2025-07-09"}, format="json")
    assert r.status_code == 400 and "channel" in r.json()
    r = client.post(
        f"{base}/inform_family/", {"on": "2025-07-09", "channel": "courrier"}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == DossierState.FAMILLE_INFORMEE
    r = client.post(
        f"{base}/confirm_enrolment/",
        {"on": "2025-07-09", "school": world.school_b.uai},
        format="json",
    )
    assert r.status_code == 200, r.json()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.INSCRIT_RENTREE
    assert dossier.enrolled_school == world.school_b
    # The same refusal as on the page, in French, and nothing for someone without the right.
    r = client.post(f"{base}/reenrol/", {}, format="json")
    assert r.status_code == 409 and "n'est possible que si" in r.json()["detail"]
    assert api_for(world.users.referent_a).post(f"{base}/reenrol/", {}).status_code == 404
    assert api_for(world.users.chef_d).post(f"{base}/reenrol/", {}).status_code == 404
    assert client.post(f"{base}/nope/", {}).status_code == 404


def test_every_page_action_has_a_form_and_a_permission():
    for name, transition in DOSSIER_WORKFLOW.page_actions().items():
        assert transition.form is not None, name
        assert transition.label and transition.sources
