import datetime as dt

import pytest
from django.urls import reverse

from mlds.models import AmbitionEmploi

from .factories import DossierFactory

pytestmark = pytest.mark.django_db


def offer(client, dossier, volunteer="oui", busy="non"):
    return client.post(
        reverse("dossiers:ambition_emploi_offer", args=[dossier.public_id]),
        {"is_volunteer": volunteer, "is_employed_or_in_training": busy},
    )


def without_solution(world, **kwargs):
    return DossierFactory(
        student__current_school=world.school_a,
        student__birth_date=dt.date(2007, 1, 1),
        without_solution=True,
        **kwargs,
    )


def test_bac_pro_pupil_without_solution_is_offered_the_parcours(world, client_for, frozen):
    d = without_solution(world)
    page = client_for(world.users.chef_a).get(d.get_absolute_url()).text
    assert "Proposer le Parcours Ambition emploi" in page
    assert offer(client_for(world.users.chef_a), d).status_code == 302
    parcours = AmbitionEmploi.objects.get(student=d.student)
    assert parcours.school == world.school_a and parcours.diploma == "bac_pro"
    # A second submit returns the same parcours, it never creates a second one.
    offer(client_for(world.users.chef_a), d)
    assert AmbitionEmploi.objects.filter(student=d.student).count() == 1


def test_general_bac_pupil_is_not_offered_it(world, client_for, frozen):
    d = without_solution(world, exam_result__bac_general=True)
    assert (
        "Proposer le Parcours Ambition emploi"
        not in client_for(world.users.chef_a).get(d.get_absolute_url()).text
    )
    response = offer(client_for(world.users.chef_a), d)
    assert response.status_code == 400
    assert "CAP ou de baccalauréat professionnel" in response.text
    assert not AmbitionEmploi.objects.exists()


def test_pupil_in_employment_is_refused_with_the_reason(world, client_for, frozen):
    d = without_solution(world)
    response = offer(client_for(world.users.chef_a), d, busy="oui")
    assert response.status_code == 400
    assert not AmbitionEmploi.objects.exists()


def test_outsiders_cannot_offer(world, client_for, frozen):
    d = without_solution(world)
    assert offer(client_for(world.users.chef_d), d).status_code == 404
    assert offer(client_for(world.users.cio1), d).status_code == 404
    assert not AmbitionEmploi.objects.exists()
