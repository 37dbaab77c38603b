"""Data minimisation: a commission member reads the dossiers transmitted to the commission and
the pupils they concern, not every pupil of the département with their representatives."""

import pytest
from django.urls import reverse

from ..students.factories import LegalRepresentativeFactory, StudentFactory
from .factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    transmitted = DossierFactory(student__current_school=world.school_a, transmitted=True)
    at_school = DossierFactory(student__current_school=world.school_b)
    pupil = StudentFactory(current_school=world.school_c)
    for student in (transmitted.student, at_school.student, pupil):
        LegalRepresentativeFactory(student=student, last_name=f"Parent{student.pk}")
    return transmitted, at_school, pupil


def pupil_page(student):
    return reverse("students:detail", args=[student.public_id])


def test_commission_member_sees_only_the_transmitted_dossiers_and_their_pupils(
    world, cases, client_for, api_for
):
    transmitted, at_school, pupil = cases
    member = client_for(world.users.commission1)
    page = member.get(pupil_page(transmitted.student))
    assert page.status_code == 200 and f"Parent{transmitted.student.pk}" in page.text
    for student in (at_school.student, pupil):
        assert member.get(pupil_page(student)).status_code == 404
    assert member.get(reverse("dossiers:detail", args=[at_school.public_id])).status_code == 404
    assert member.get(reverse("dossiers:detail", args=[transmitted.public_id])).status_code == 200
    listed = member.get(reverse("students:list")).text
    assert transmitted.student.last_name.upper() in listed
    assert at_school.student.last_name.upper() not in listed
    assert pupil.last_name.upper() not in listed
    api = api_for(world.users.commission1).get("/api/v1/eleves/").json()
    assert {r["id"] for r in api["results"]} == {str(transmitted.student.public_id)}


def test_departement_steering_roles_keep_the_departement(world, cases, client_for):
    """The IA-DASEN and the IEN-IO answer for every pupil of the département (obligation de
    formation, orientation): they keep the structural scope."""
    transmitted, at_school, pupil = cases
    for user in (world.users.dasen1, world.users.ienio1):
        client = client_for(user)
        for student in (transmitted.student, at_school.student, pupil):
            assert client.get(pupil_page(student)).status_code == 200, user
