import pytest
from django.urls import reverse

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_api_read_is_logged_with_role(world, api_for, client_for):
    student = StudentFactory(current_school=world.school_a)
    api_for(world.users.chef_a).get(f"/api/v1/eleves/{student.public_id}/")
    page = client_for(world.users.admin).get(
        reverse("audit:access_log"), {"objet": str(student.public_id)}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "chef_a" in text and "API" in text and "Chef d&#x27;établissement" in text


def test_only_administrators_see_the_access_log(world, client_for):
    url = reverse("audit:access_log")
    assert client_for(world.users.chef_a).get(url).status_code == 404
    assert client_for(world.users.pilot).get(url).status_code == 404
    assert client_for(world.users.admin).get(url).status_code == 200


def test_change_history_records_who_changed_a_pupil(world, client_for):
    student = StudentFactory(current_school=world.school_a, first_name="Inès")
    student.first_name = "Ines"
    student._history_user = world.users.chef_a
    student.save()
    page = client_for(world.users.chef_a).get(reverse("students:detail", args=[student.public_id]))
    assert "Modifié" in page.content.decode() or "Modification" in page.content.decode()
    assert student.history.first().history_user == world.users.chef_a


def test_traceability_filters_by_pupil_name_and_agent_name_in_french(world, client_for):
    pupil = StudentFactory(current_school=world.school_a, last_name="Martin", first_name="Assia")
    other = StudentFactory(current_school=world.school_a, last_name="Durand")
    world.users.chef_a.first_name, world.users.chef_a.last_name = "Claire", "Lefèvre"
    world.users.chef_a.save()
    client_for(world.users.chef_a).get(reverse("students:detail", args=[pupil.public_id]))
    client_for(world.users.referent_a).get(reverse("students:detail", args=[other.public_id]))
    admin = client_for(world.users.admin)
    url = reverse("audit:access_log")
    text = admin.get(url, {"objet": "martin ass"}).text
    assert text.count('data-testid="access-row"') == 1 and "Fiche élève" in text
    assert ">student<" not in text and "followup" not in text
    assert "Claire Lefèvre" in text
    by_agent = admin.get(url, {"compte": "lefè"}).text
    assert by_agent.count('data-testid="access-row"') >= 1 and "referent_a" not in by_agent
    assert admin.get(url, {"compte": "chef_a"}).text.count('data-testid="access-row"') >= 1
    for hostile in ("x" * 500, "\x00", "%%", "00000000-0000-0000-0000-000000000000"):
        assert admin.get(url, {"objet": hostile, "compte": hostile}).status_code in (200, 400)
