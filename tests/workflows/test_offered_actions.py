"""Every workflow page offers the actions of the current state: those that cannot succeed now
are greyed with the engine's French reason (no button that would fail), and the "Prochaine
étape" agrees with what is offered (issue 11, screen point 1)."""

import datetime as dt
import html
import re

import pytest

from foquale.enums import CallStatus
from mlds.models import AmbitionEmploi
from mlds.services import open_droit_retour, propose_ambition_emploi
from prevention.enums import PafiStatus
from tests.foquale.factories import CallFactory, ProjectFactory
from tests.mlds.factories import YoungPersonFactory
from tests.prevention.factories import DerogatoireFactory, PafiFactory, TdoFactory

pytestmark = pytest.mark.django_db


def text_of(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', page, re.S)
    assert match, f"{testid} absent"
    return html.unescape(match.group(1)).strip()


def assert_blocked(page: str, name: str, reason: str):
    """Shown greyed with its reason, and no form that would post it."""
    assert f'data-testid="disabled-{name}"' in page
    assert reason in text_of(page, f"reason-{name}")
    assert f'data-testid="action-{name}"' not in page


def assert_offered(page: str, name: str):
    assert f'data-testid="action-{name}"' in page
    assert f'data-testid="disabled-{name}"' not in page


# --- MLDS ------------------------------------------------------------------------------------


def test_follow_up_closing_is_greyed_until_the_outcome_is_known(
    world, client_for, make_follow_up, frozen_today
):
    fu = make_follow_up("en_solution")
    page = client_for(world.users.mlds1).get(fu.get_absolute_url()).text
    assert_blocked(page, "clore", "Issue manquante")
    assert_offered(page, "issue")
    assert text_of(page, "next-step") == ("Point de suivi conjoint ou Enregistrer l'issue du suivi")
    # A reader (the IA-DASEN) sees the next step, and no action at all.
    page = client_for(world.users.dasen1).get(fu.get_absolute_url()).text
    assert 'data-testid="actions"' not in page
    assert text_of(page, "next-step") == "Suivi conjoint avec la structure d'accueil"


def test_follow_up_bilan_waits_for_a_first_contact(world, client_for, make_follow_up, frozen_today):
    fu = make_follow_up("signale")
    page = client_for(world.users.mlds1).get(fu.get_absolute_url()).text
    assert_blocked(page, "bilan", "Premier contact manquant")
    assert_offered(page, "contact")
    assert text_of(page, "next-step") == "Enregistrer une tentative de contact"


def test_ambition_acceptance_is_greyed_without_the_young_persons_agreement(
    world, client_for, frozen_today
):
    student = YoungPersonFactory(current_school=world.school_a)
    parcours = propose_ambition_emploi(
        student=student, by=world.users.chef_a, diploma="bac_pro", is_volunteer=True
    )
    AmbitionEmploi.objects.filter(pk=parcours.pk).update(is_volunteer=False)
    page = client_for(world.users.chef_a).get(parcours.get_absolute_url()).text
    assert_blocked(page, "accepter", "volontariat")
    assert_offered(page, "refuser")
    assert text_of(page, "next-step") == "Le jeune refuse le parcours"


def test_droit_retour_proposal_is_greyed_until_the_interview(world, client_for, frozen_today):
    student = YoungPersonFactory(current_school=world.school_a)
    item = open_droit_retour(
        student=student,
        by=world.users.mlds1,
        channel="telephone",
        requested_on=frozen_today,
        highest_diploma="aucun",
    )
    page = client_for(world.users.mlds1).get(item.get_absolute_url()).text
    assert_blocked(page, "proposition", "Entretien manquant")
    assert_offered(page, "entretien")
    assert text_of(page, "next-step") == "Enregistrer l'entretien"


# --- Prevention ------------------------------------------------------------------------------


@pytest.fixture
def november(clock):
    return clock.at(dt.datetime(2025, 11, 20, 10, tzinfo=dt.UTC))


def test_pafi_closing_is_greyed_until_a_bilan(world, client_for, november):
    path = PafiFactory(
        student__current_school=world.school_a,
        status=PafiStatus.RUNNING,
        started_on=dt.date(2025, 11, 17),
    )
    page = client_for(world.users.referent_a).get(path.get_absolute_url()).text
    assert_blocked(page, "clore", "Bilan manquant")
    assert_offered(page, "bilan")
    assert text_of(page, "next-step") == "Ajouter un bilan"


def test_derogatoire_transmission_is_greyed_while_signatures_are_missing(
    world, client_for, november
):
    path = DerogatoireFactory(student__current_school=world.school_a)
    page = client_for(world.users.referent_a).get(path.get_absolute_url()).text
    assert_blocked(page, "transmettre", "la signature du jeune")
    assert_offered(page, "signatures")
    assert text_of(page, "next-step").startswith(
        "Transmettre à la DSDEN sous le timbre IEN-IO : impossible pour l'instant "
        "(Transmission impossible, il manque : la signature du jeune"
    )
    # Signed: the transmission is offered and is the next step.
    signed = DerogatoireFactory(student__current_school=world.school_a, signed=True)
    page = client_for(world.users.referent_a).get(signed.get_absolute_url()).text
    assert_offered(page, "transmettre")
    assert text_of(page, "next-step") == "Transmettre à la DSDEN sous le timbre IEN-IO"


def test_tdo_page_offers_the_answer_to_the_school_only(world, client_for, november):
    path = TdoFactory(student__current_school=world.school_a)
    page = client_for(world.users.referent_a).get(path.get_absolute_url()).text
    assert_offered(page, "reponse")
    assert text_of(page, "next-step") == "Enregistrer la réponse de l'élève et de sa famille"
    page = client_for(world.users.cio1).get(path.get_absolute_url()).text
    assert 'data-testid="actions"' not in page
    assert text_of(page, "next-step") == "Réponse de l'élève et de sa famille"


# --- FoQualE ---------------------------------------------------------------------------------


@pytest.fixture
def october(clock):
    return clock.at(dt.datetime(2025, 10, 1, 10, tzinfo=dt.UTC))


def test_call_publication_is_greyed_while_projects_await_a_decision(world, client_for, october):
    call = CallFactory(academie=world.academie, status=CallStatus.REVIEW)
    ProjectFactory(call=call, school=world.school_a, submitted=True)
    page = client_for(world.users.pilot).get(f"/foquale/appels/{call.public_id}/").text
    assert_blocked(page, "publier", "1 projet(s) déposé(s) attendent encore une décision")
    assert text_of(page, "next-step").startswith("Publier les résultats aux établissements : ")


def test_project_decision_is_greyed_until_the_project_is_scored(world, client_for, october):
    call = CallFactory(academie=world.academie, status=CallStatus.REVIEW)
    project = ProjectFactory(call=call, school=world.school_a, submitted=True)
    url = f"/foquale/projets/{project.public_id}/"
    page = client_for(world.users.pilot).get(url).text
    assert_blocked(page, "decider", "Notez le projet avant de rendre la décision.")
    # The school's head: withdrawing is no longer possible once the review has started.
    page = client_for(world.users.chef_a).get(url).text
    assert_blocked(page, "retirer", "L'instruction a commencé")
    assert text_of(page, "next-step") == "Instruction par la commission académique"
