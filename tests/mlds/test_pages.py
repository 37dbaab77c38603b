"""Personas on every MLDS page: owner writes, colleagues read, outsiders and the pilot get 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from mlds.enums import FollowUpOutcome, FollowUpSource, FollowUpStatus
from mlds.services import open_follow_up

from .factories import PartnerContactFactory, PartnerFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signalled(world, frozen_today):
    """A pupil of school A signalled by its head, so school A originated the follow-up."""
    student = YoungPersonFactory(current_school=world.school_a, last_name="Signalé")
    return open_follow_up(
        student=student, source=FollowUpSource.SIGNALEMENT_ETABLISSEMENT, by=world.users.chef_a
    )


def test_detail_personas(world, client_for, signalled):
    url = signalled.get_absolute_url()
    u = world.users
    for user in (u.mlds1, u.dasen1, u.ienio1, u.cio1, u.chef_a, u.referent_a, u.admin):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert "SIGNALÉ" in response.text
    for user in (u.mlds2, u.chef_b, u.chef_d, u.commission1, u.foquale, u.pilot, u.norole):
        assert client_for(user).get(url).status_code == 404, user
    assert AccessLog.objects.filter(object_id=str(signalled.public_id)).count() == 7


def test_only_the_departement_coordinator_sees_and_uses_action_forms(world, client_for, signalled):
    url = signalled.get_absolute_url()
    assert 'data-testid="action-contact"' in client_for(world.users.mlds1).get(url).text
    for user in (world.users.cio1, world.users.chef_a, world.users.dasen1):
        assert 'data-testid="action-contact"' not in client_for(user).get(url).text
    action = reverse("mlds:follow_up_action", args=[signalled.public_id, "contact"])
    data = {"contact-on": "2025-10-15", "contact-channel": "telephone", "contact-reached": "1"}
    for user in (world.users.chef_a, world.users.cio1, world.users.dasen1, world.users.mlds2):
        assert client_for(user).post(action, data).status_code == 404
    signalled.refresh_from_db()
    assert signalled.status == FollowUpStatus.SIGNALE
    response = client_for(world.users.mlds1).post(action, data)
    assert response.status_code == 302
    signalled.refresh_from_db()
    assert signalled.status == FollowUpStatus.CONTACTE


def test_action_errors_are_shown_in_french_without_500(world, client_for, signalled):
    client = client_for(world.users.mlds1)
    action = reverse("mlds:follow_up_action", args=[signalled.public_id, "bilan"])
    response = client.post(action, {"bilan-on": "2025-10-15", "bilan-situation": "Sans emploi"})
    assert response.status_code == 400
    assert "premier contact réussi" in response.text
    response = client.post(
        reverse("mlds:follow_up_action", args=[signalled.public_id, "contact"]),
        {"contact-on": "pas une date"},
    )
    assert response.status_code == 400 and "corrigez" in response.text
    get = client.get(reverse("mlds:follow_up_action", args=[signalled.public_id, "contact"]))
    assert get.status_code == 405
    unknown = client.post(reverse("mlds:follow_up_action", args=[signalled.public_id, "nimporte"]))
    assert unknown.status_code == 404


def test_double_submit_is_refused_by_the_version(world, client_for, signalled):
    client = client_for(world.users.mlds1)
    action = reverse("mlds:follow_up_action", args=[signalled.public_id, "contact"])
    data = {
        "contact-on": "2025-10-15",
        "contact-channel": "telephone",
        "contact-reached": "0",
        "contact-version": str(signalled.version),
    }
    assert client.post(action, data).status_code == 302
    response = client.post(action, data)
    assert response.status_code == 400
    assert "modifié entre-temps" in response.text
    assert signalled.contacts.count() == 1


def test_school_signals_its_pupil_and_sees_only_what_it_originated(world, client_for, frozen_today):
    pupil = YoungPersonFactory(current_school=world.school_a, last_name="Élève")
    other = YoungPersonFactory(current_school=world.school_a, last_name="Autre")
    open_follow_up(student=other, source=FollowUpSource.SIEI, by=world.users.mlds1)
    client = client_for(world.users.chef_a)
    response = client.post(reverse("mlds:signal"), {"student": pupil.pk, "note": "Absent"})
    assert response.status_code == 302
    caseload = client.get(reverse("mlds:caseload")).text
    assert "ÉLÈVE" in caseload and "AUTRE" not in caseload
    outsider_pupil = YoungPersonFactory(current_school=world.school_d)
    response = client.post(reverse("mlds:signal"), {"student": outsider_pupil.pk, "note": "x"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.text


def test_coordinator_opens_a_follow_up_for_a_known_young_person_without_duplicate(
    world, client_for, frozen_today
):
    known = YoungPersonFactory(current_school=world.school_a, ine="555555555EE")
    data = {
        "ine": "555555555EE",
        "last_name": known.last_name,
        "first_name": known.first_name,
        "birth_date": known.birth_date.isoformat(),
        "source": "auto_saisine",
    }
    response = client_for(world.users.mlds1).post(reverse("mlds:follow_up_new"), data, follow=True)
    assert "était déjà connu" in response.text
    assert known.mlds_follow_ups.count() == 1
    data["birth_date"] = "2006-12-31"
    response = client_for(world.users.mlds1).post(reverse("mlds:follow_up_new"), data)
    assert "déjà celui de" in response.text


def test_caseload_views(world, client_for, make_follow_up):
    mine = make_follow_up(
        "signale", student=YoungPersonFactory(last_name="Mienne", current_school=world.school_a)
    )
    mine.assign(by=world.users.mlds1, coordinator=world.users.mlds1)
    make_follow_up(
        "signale", student=YoungPersonFactory(last_name="Libre", current_school=world.school_a)
    )
    client = client_for(world.users.mlds1)
    default = client.get(reverse("mlds:caseload")).text
    assert "MIENNE" in default and "LIBRE" not in default
    unassigned = client.get(reverse("mlds:caseload") + "?view=unassigned").text
    assert "LIBRE" in unassigned and "MIENNE" not in unassigned
    assert "MIENNE" in client.get(reverse("mlds:caseload") + "?view=all&q=mie").text


@pytest.mark.parametrize("view", ["all", "overdue", "windows"])
def test_caseload_query_count_is_constant(world, client_for, make_follow_up, view):
    client = client_for(world.users.mlds1)
    url = reverse("mlds:caseload") + f"?view={view}"
    make_follow_up("en_solution")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(6):
        make_follow_up("en_solution")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_api_lists_are_scoped_with_constant_queries(world, api_for, make_follow_up):
    fu = make_follow_up("en_solution")
    api = api_for(world.users.mlds1)
    with CaptureQueriesContext(connection) as few:
        data = api.get("/api/v1/mlds/suivis/").json()
    assert [row["id"] for row in data["results"]] == [str(fu.public_id)]
    for _ in range(5):
        make_follow_up("en_solution")
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/mlds/suivis/").json()["results"]) == 6
    assert len(few) == len(many)
    partners = api.get("/api/v1/mlds/partenaires/").json()["results"]
    assert sum(p["caseload"] for p in partners) == 6
    assert api_for(world.users.mlds2).get("/api/v1/mlds/suivis/").json()["results"] == []
    assert api_for(world.users.mlds2).get(f"/api/v1/mlds/suivis/{fu.public_id}/").status_code == 404
    assert api_for(world.users.pilot).get("/api/v1/mlds/suivis/").status_code == 404
    assert api_for(world.users.norole).get("/api/v1/mlds/partenaires/").status_code == 404
    assert api_for(world.users.cio1).get(f"/api/v1/mlds/suivis/{fu.public_id}/").status_code == 200


def test_partner_directory_and_caseload(world, client_for, make_follow_up):
    partner = PartnerFactory(departement=world.dep1, e2c=True, name="E2C de Melun")
    PartnerContactFactory(partner=partner, name="Alice Conseil")
    make_follow_up(
        "en_solution",
        partner=partner,
        student=YoungPersonFactory(last_name="Tenu", current_school=world.school_a),
    )
    client = client_for(world.users.mlds1)
    listing = client.get(reverse("mlds:partner_list")).text
    assert "E2C de Melun" in listing
    detail = client.get(partner.get_absolute_url()).text
    assert "Alice Conseil" in detail and "TENU" in detail
    assert client_for(world.users.mlds2).get(partner.get_absolute_url()).status_code == 404
    assert client_for(world.users.pilot).get(reverse("mlds:partner_list")).status_code == 404
    # A colleague reading the directory cannot edit it.
    assert client_for(world.users.dasen1).get(partner.get_absolute_url()).status_code == 200
    edit = reverse("mlds:partner_edit", args=[partner.public_id])
    assert client_for(world.users.dasen1).get(edit).status_code == 404
    response = client.post(
        reverse("mlds:partner_new"),
        {"name": "E2C de Melun", "partner_type": "e2c", "is_active": "1"},
    )
    assert "figure déjà dans" in response.text


def test_ambition_pages_personas(world, client_for, frozen_today):
    from mlds.services import propose_ambition_emploi

    student = YoungPersonFactory(current_school=world.school_a)
    parcours = propose_ambition_emploi(
        student=student, by=world.users.chef_a, diploma="bac_pro", is_volunteer=True
    )
    url = parcours.get_absolute_url()
    for user in (world.users.chef_a, world.users.mlds1, world.users.cio1, world.users.dasen1):
        assert client_for(user).get(url).status_code == 200
    for user in (world.users.chef_b, world.users.mlds2, world.users.pilot, world.users.norole):
        assert client_for(user).get(url).status_code == 404
    accept = reverse("mlds:ambition_action", args=[parcours.public_id, "accepter"])
    assert client_for(world.users.cio1).post(accept, {}).status_code == 404
    assert client_for(world.users.chef_a).post(accept, {}).status_code == 302
    parcours.refresh_from_db()
    assert parcours.status == "accepte"
    start = reverse("mlds:ambition_action", args=[parcours.public_id, "demarrer"])
    response = client_for(world.users.chef_a).post(
        start,
        {
            "demarrer-start_date": "2025-09-01",
            "demarrer-planned_end_date": "2026-02-01",
            "demarrer-situation_confirmed": "on",
        },
    )
    assert response.status_code == 400
    assert "dure au plus 4 mois" in response.text


def test_droit_retour_pages(world, client_for, frozen_today):
    client = client_for(world.users.mlds1)
    data = {
        "last_name": "Retour",
        "first_name": "Inès",
        "birth_date": "2004-05-05",
        "channel": "telephone",
        "requested_on": "2025-10-14",
        "highest_diploma": "dnb",
    }
    response = client.post(reverse("mlds:droit_retour_new"), data, follow=True)
    assert "entretien à tenir avant le 29/10/2025" in response.text
    from mlds.models import DroitRetour

    item = DroitRetour.objects.get()
    assert client_for(world.users.mlds2).get(item.get_absolute_url()).status_code == 404
    assert client_for(world.users.chef_a).get(reverse("mlds:droit_retour_list")).status_code == 404
    action = reverse("mlds:droit_retour_action", args=[item.public_id, "entretien"])
    response = client.post(action, {"entretien-on": "2025-10-15", "entretien-note": "ok"})
    assert response.status_code == 302


def test_dashboard_panel(world, client_for, make_follow_up):
    make_follow_up("signale")
    home = client_for(world.users.mlds1).get("/").text
    assert "1 suivi ouvert" in home
    assert 'data-testid="mlds-dashboard"' not in client_for(world.users.pilot).get("/").text


def test_detail_query_count_is_constant(world, client_for, make_follow_up, frozen_today):
    fu = make_follow_up("suivi_transition")
    client = client_for(world.users.mlds1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(fu.get_absolute_url()).status_code == 200
    for _ in range(8):
        fu.record_contact(by=world.users.mlds1, on=frozen_today, channel="sms", reached=True)
        fu.record_joint_review(by=world.users.mlds1, on=frozen_today, note="Point")
    with CaptureQueriesContext(connection) as many:
        client.get(fu.get_absolute_url())
    assert len(few) == len(many)


def test_caseload_puts_the_most_urgent_first(world, client_for, make_follow_up):
    import datetime as dt

    from django.utils import timezone

    from mlds.models import FollowUp

    today = timezone.localdate()
    for name, offset in (("Loin", 10), ("Retard", -5), ("Proche", 2)):
        fu = make_follow_up(
            "signale", student=YoungPersonFactory(last_name=name, current_school=world.school_a)
        )
        FollowUp.objects.filter(pk=fu.pk).update(contact_due_on=today + dt.timedelta(days=offset))
    make_follow_up(
        "solution_proposee",
        student=YoungPersonFactory(last_name="Attente", current_school=world.school_a),
    )
    text = client_for(world.users.mlds1).get(reverse("mlds:caseload"), {"view": "all"}).text
    positions = [text.index(name) for name in ("RETARD", "PROCHE", "LOIN", "ATTENTE")]
    assert positions == sorted(positions)


def test_closing_form_preselects_no_reason(world, client_for, make_follow_up):
    fu = make_follow_up("signale")
    fu.record_outcome(by=world.users.mlds1, outcome=FollowUpOutcome.values[0])
    text = client_for(world.users.mlds1).get(fu.get_absolute_url()).text
    select = text[text.index('name="clore-reason"') :]
    select = select[: select.index("</select>")]
    assert '<option value="" selected>Choisissez le motif de clôture' in select
    assert select.count("selected") == 1
    response = client_for(world.users.mlds1).post(
        reverse("mlds:follow_up_action", args=[fu.public_id, "clore"]),
        {"clore-reason": "", "clore-version": fu.version},
    )
    assert response.status_code in (200, 400)
    fu.refresh_from_db()
    assert fu.status == FollowUpStatus.SIGNALE
