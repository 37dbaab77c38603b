import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mlds.enums import DroitRetourStatus
from mlds.models import DroitRetour
from mlds.services import open_droit_retour
from notifications.models import Deadline

from ..dossiers.factories import ExamResultFactory
from .factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
D = DroitRetourStatus


def test_request_computes_the_15_day_interview_and_opens_a_follow_up(world, frozen_today):
    student = YoungPersonFactory(without_school=True)
    item = open_droit_retour(
        student=student,
        by=world.users.mlds1,
        channel="cio",
        requested_on=dt.date(2025, 10, 10),
        highest_diploma="aucun",
    )
    assert item.interview_due_on == dt.date(2025, 10, 25)
    assert item.follow_up.source == "droit_retour"
    deadline = Deadline.objects.get(kind="droit_retour_entretien", object_id=item.pk)
    assert deadline.due_date == dt.date(2025, 10, 25)
    item.record_interview(by=world.users.mlds1, on=dt.date(2025, 10, 14), note="Veut un CAP")
    item.make_proposal(by=world.users.mlds1, proposal="CAP cuisine", school=world.school_a)
    item.enrol(by=world.users.mlds1, on=frozen_today)
    assert item.status == D.INSCRIT
    assert Deadline.objects.get(pk=deadline.pk).completed_at is not None
    assert [log.to_state for log in item.logs.all()] == [
        "demande",
        "entretien",
        "proposition",
        "inscrit",
    ]


def test_a_25_year_old_may_ask_but_gets_no_mlds_follow_up(world, frozen_today):
    student = YoungPersonFactory(without_school=True, birth_date=dt.date(2000, 5, 1))
    item = open_droit_retour(
        student=student,
        by=world.users.mlds1,
        channel="telephone",
        requested_on=frozen_today,
        highest_diploma="aucun",
    )
    assert item.follow_up is None


def test_out_of_range_and_second_open_request_are_refused(world, frozen_today):
    too_old = YoungPersonFactory(without_school=True, birth_date=dt.date(1999, 1, 1))
    with pytest.raises(ValidationError, match="16 à 25 ans"):
        open_droit_retour(
            student=too_old,
            by=world.users.mlds1,
            channel="cio",
            requested_on=frozen_today,
            highest_diploma="aucun",
        )
    student = YoungPersonFactory(without_school=True)
    open_droit_retour(
        student=student,
        by=world.users.mlds1,
        channel="cio",
        requested_on=frozen_today,
        highest_diploma="aucun",
    )
    with pytest.raises(ValidationError, match="déjà une demande"):
        open_droit_retour(
            student=student,
            by=world.users.mlds1,
            channel="psad",
            requested_on=frozen_today,
            highest_diploma="aucun",
        )


def test_refusal_needs_a_reason_and_is_final(world, frozen_today):
    item = open_droit_retour(
        student=YoungPersonFactory(without_school=True),
        by=world.users.mlds1,
        channel="courriel",
        requested_on=frozen_today,
        highest_diploma="dnb",
    )
    with pytest.raises(ValidationError, match="motif"):
        item.refuse(by=world.users.mlds1, reason="")
    item.refuse(by=world.users.mlds1, reason="Ne souhaite plus reprendre")
    with pytest.raises(ValidationError, match="Impossible"):
        item.record_interview(by=world.users.mlds1, on=frozen_today, note="x")


@pytest.mark.parametrize("diploma", ["aucun", "dnb", "cfg"])
def test_no_diploma_or_only_dnb_or_cfg_opens_the_right_decret_2014_1453(
    world, frozen_today, diploma
):
    """Décret 2014-1453 (D.122-3-6), domain.md §4.11: left without a diploma, or with only
    the DNB or the CFG."""
    item = open_droit_retour(
        student=YoungPersonFactory(without_school=True),
        by=world.users.mlds1,
        channel="cio",
        requested_on=frozen_today,
        highest_diploma=diploma,
    )
    assert item.highest_diploma == diploma
    assert "diplôme le plus élevé" in item.logs.get().comment


@pytest.mark.parametrize(
    ("diploma", "message"),
    [
        ("cap_bep", "CAP, BEP"),
        ("bac_pro", "Baccalauréat professionnel"),
        ("bac_gt", "décret 2014-1454"),
        ("superieur", "enseignement supérieur"),
        ("", "Indiquez le diplôme le plus élevé"),
    ],
)
def test_a_qualified_young_person_has_no_droit_au_retour_decret_2014_1453(
    world, frozen_today, diploma, message
):
    student = YoungPersonFactory(without_school=True)
    with pytest.raises(ValidationError, match=message):
        open_droit_retour(
            student=student,
            by=world.users.mlds1,
            channel="cio",
            requested_on=frozen_today,
            highest_diploma=diploma,
        )
    assert not DroitRetour.objects.exists()
    assert not student.mlds_follow_ups.exists()


def test_a_diploma_the_app_holds_outweighs_the_declaration_decret_2014_1453(world, frozen_today):
    """An imported passed CAP: the young person is qualified, whatever is declared."""
    student = YoungPersonFactory(current_school=world.school_a)
    ExamResultFactory(student=student, cap=True, outcome="admis", session_year=2024)
    with pytest.raises(ValidationError, match="CAP.*session 2024"):
        open_droit_retour(
            student=student,
            by=world.users.mlds1,
            channel="cio",
            requested_on=frozen_today,
            highest_diploma="aucun",
        )
    # An ajourné has no diploma: the right is open.
    other = YoungPersonFactory(current_school=world.school_a)
    ExamResultFactory(student=other, cap=True, outcome="ajourne", session_year=2025)
    item = open_droit_retour(
        student=other,
        by=world.users.mlds1,
        channel="cio",
        requested_on=frozen_today,
        highest_diploma="aucun",
    )
    assert item.status == D.DEMANDE


def test_the_request_form_asks_for_the_highest_diploma(world, frozen_today, client_for):
    """Décret 2014-1453: the condition is checked on the page, the refusal says why and
    nothing is recorded."""
    client = client_for(world.users.mlds1)
    data = {
        "last_name": "Retour",
        "first_name": "Inès",
        "birth_date": "2004-05-05",
        "channel": "cio",
        "requested_on": "2025-10-14",
    }
    page = client.post("/mlds/droit-au-retour/nouveau/", {**data, "highest_diploma": "bac_pro"})
    assert page.status_code == 200
    assert "seulement le DNB ou le CFG" in page.content.decode()
    assert not DroitRetour.objects.exists()
    page = client.post("/mlds/droit-au-retour/nouveau/", data)
    assert "highest_diploma" in page.context["form"].errors
    response = client.post("/mlds/droit-au-retour/nouveau/", {**data, "highest_diploma": "cfg"})
    item = DroitRetour.objects.get()
    assert response.status_code == 302 and item.highest_diploma == "cfg"
    detail = client.get(item.get_absolute_url()).content.decode()
    assert "Certificat de formation générale (CFG) seulement" in detail
