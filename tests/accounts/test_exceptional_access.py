import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExceptionalAccess
from audit.models import AccessLog

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db

REASON = "Élève arrivé hier d'un autre secteur, entretien de situation à préparer en urgence."


def open_access(client, school, reason=REASON, hours=24, category="arrivee"):
    return client.post(
        reverse("accounts:exceptional_access"),
        {"uai": school.uai, "reason": reason, "hours": hours, "category": category},
    )


def test_justified_access_opens_one_school_for_a_time_and_is_logged(world, client_for):
    student = StudentFactory(current_school=world.school_d)
    url = reverse("students:detail", args=[student.public_id])
    client = client_for(world.users.chef_a)
    assert client.get(url).status_code == 404
    assert open_access(client, world.school_d).status_code == 302
    client = client_for(world.users.chef_a)
    assert client.get(url).status_code == 200
    log = AccessLog.objects.get(object_id=str(student.public_id))
    assert "accès exceptionnel" in log.role
    # Other schools stay closed.
    other = StudentFactory(current_school=world.school_c)
    assert client.get(reverse("students:detail", args=[other.public_id])).status_code == 404


def test_access_expires(world, client_for, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC))
    student = StudentFactory(current_school=world.school_d)
    url = reverse("students:detail", args=[student.public_id])
    open_access(client_for(world.users.chef_a), world.school_d, hours=2)
    time_machine.move_to(dt.datetime(2026, 9, 1, 11, 1, tzinfo=dt.UTC))
    assert client_for(world.users.chef_a).get(url).status_code == 404


def test_access_can_be_closed_early(world, client_for):
    client = client_for(world.users.chef_a)
    open_access(client, world.school_d)
    grant = ExceptionalAccess.objects.get()
    client.post(reverse("accounts:close_access", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_at <= timezone.now()
    student = StudentFactory(current_school=world.school_d)
    url = reverse("students:detail", args=[student.public_id])
    assert client_for(world.users.chef_a).get(url).status_code == 404


@pytest.mark.parametrize(
    ("reason", "hours", "message"),
    [
        ("urgence", 24, "au moins 30 caractères"),
        (REASON, 100, "72"),
        (REASON, 0, "supérieure ou égale à 1"),
    ],
)
def test_unjustified_or_too_long_access_is_refused(world, client_for, reason, hours, message):
    response = open_access(client_for(world.users.chef_a), world.school_d, reason, hours)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExceptionalAccess.objects.exists()


def test_unknown_uai_is_refused_in_french(world, client_for):
    response = client_for(world.users.chef_a).post(
        reverse("accounts:exceptional_access"),
        {"uai": "0751234J", "reason": REASON, "hours": 4, "category": "urgence"},
    )
    assert "Aucun établissement" in response.content.decode()


def test_aggregate_role_cannot_break_the_glass(world, client_for):
    response = open_access(client_for(world.users.pilot), world.school_d)
    assert response.status_code == 200
    assert "ne permet pas" in response.content.decode()
    assert not ExceptionalAccess.objects.exists()


def test_someone_else_cannot_close_my_access(world, client_for):
    open_access(client_for(world.users.chef_a), world.school_d)
    grant = ExceptionalAccess.objects.get()
    response = client_for(world.users.chef_b).post(
        reverse("accounts:close_access", args=[grant.pk])
    )
    assert response.status_code == 404


def test_administrators_see_every_grant(world, client_for):
    open_access(client_for(world.users.chef_a), world.school_d)
    page = client_for(world.users.admin).get(reverse("audit:access_log")).content.decode()
    assert "chef_a" in page and world.school_d.uai in page and "autre secteur" in page
