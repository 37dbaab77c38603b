import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog

from .factories import LegalRepresentativeFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_owner_sees_own_pupils_only(world, client_for):
    mine = StudentFactory(current_school=world.school_a, last_name="Martin")
    other = StudentFactory(current_school=world.school_b, last_name="Durand")
    response = client_for(world.users.chef_a).get(reverse("students:list"))
    assert response.status_code == 200
    assert mine.last_name.upper() in response.text
    assert other.last_name.upper() not in response.text


def test_cio_director_sees_the_bassin_schools(world, client_for):
    a = StudentFactory(current_school=world.school_a, last_name="Martin")
    b = StudentFactory(current_school=world.school_b, last_name="Durand")
    c = StudentFactory(current_school=world.school_c, last_name="Petit")
    text = client_for(world.users.cio1).get(reverse("students:list")).text
    assert a.last_name.upper() in text and b.last_name.upper() in text
    assert c.last_name.upper() not in text


def test_outsider_gets_404_on_detail(world, client_for):
    student = StudentFactory(current_school=world.school_a)
    url = reverse("students:detail", args=[student.public_id])
    assert client_for(world.users.chef_d).get(url).status_code == 404
    assert client_for(world.users.norole).get(url).status_code == 404
    assert client_for(world.users.pilot).get(url).status_code == 404


def test_owner_and_colleague_read_detail_and_reads_are_logged(world, client_for):
    student = StudentFactory(current_school=world.school_a)
    LegalRepresentativeFactory(student=student, last_name="Bernard")
    url = reverse("students:detail", args=[student.public_id])
    for user in (world.users.chef_a, world.users.cio1, world.users.dasen1):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert "BERNARD" in response.text.upper()
    assert AccessLog.objects.filter(object_id=str(student.public_id)).count() == 3


def test_list_query_count_is_constant(world, client_for):
    client = client_for(world.users.chef_a)
    StudentFactory.create_batch(3, current_school=world.school_a)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("students:list"))
    StudentFactory.create_batch(40, current_school=world.school_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("students:list"))
    assert len(few) == len(many)


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("students:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_api_is_scoped(world, api_for):
    mine = StudentFactory(current_school=world.school_a)
    StudentFactory(current_school=world.school_d)
    data = api_for(world.users.chef_a).get("/api/v1/eleves/").json()
    assert [row["id"] for row in data["results"]] == [str(mine.public_id)]
    other = StudentFactory(current_school=world.school_d)
    assert api_for(world.users.chef_a).get(f"/api/v1/eleves/{other.public_id}/").status_code == 404
    assert api_for(world.users.norole).get("/api/v1/eleves/").status_code == 404


def test_pupil_who_left_stays_visible_to_the_last_school_only(world, client_for):
    from students.models import Student

    from .factories import EnrolmentFactory

    student = StudentFactory(current_school=world.school_a, last_name="Parti")
    EnrolmentFactory(student=student, school=world.school_a)
    Student.objects.filter(pk=student.pk).update(current_school=None)
    url = reverse("students:detail", args=[student.public_id])
    assert client_for(world.users.chef_a).get(url).status_code == 200
    assert client_for(world.users.cio1).get(url).status_code == 200
    assert client_for(world.users.chef_b).get(url).status_code == 404
    assert client_for(world.users.chef_d).get(url).status_code == 404


def test_list_escapes_names_and_keeps_the_chosen_filters(world, client_for):
    StudentFactory(
        current_school=world.school_a, last_name="<b>Martin</b>", first_name="Zoé & Léa", level="TG"
    )
    response = client_for(world.users.chef_a).get(reverse("students:list"), {"level": "TG"})
    text = response.text
    assert "&lt;B&gt;MARTIN&lt;/B&gt; Zoé &amp; Léa" in text
    assert "<b>" not in text.lower().split("<tbody>")[1]
    assert '<option value="TG" selected>' in text
    assert f'<option value="{world.school_a.pk}"' in text
    assert f'<option value="{world.school_d.pk}"' not in text


def test_record_links_to_the_pupils_cases_the_viewer_may_open(world, client_for):
    from mlds.enums import FollowUpSource
    from mlds.services import open_follow_up

    from ..dossiers.factories import DossierFactory

    dossier = DossierFactory(student__current_school=world.school_a)
    pupil = dossier.student
    follow_up = open_follow_up(
        student=pupil, source=FollowUpSource.SIGNALEMENT_ETABLISSEMENT, by=world.users.chef_a
    )
    url = reverse("students:detail", args=[pupil.public_id])
    chef = client_for(world.users.chef_a).get(url).text
    cases = chef[chef.index('data-testid="student-cases"') :]
    assert dossier.get_absolute_url() in cases and follow_up.get_absolute_url() in cases
    assert reverse("prevention:student", args=[pupil.public_id]) in cases
    for link in (dossier.get_absolute_url(), follow_up.get_absolute_url()):
        assert client_for(world.users.chef_a).get(link).status_code == 200
    # Whoever reads the record sees only the cases their role opens.
    cio = client_for(world.users.cio1).get(url).text
    assert dossier.get_absolute_url() in cio
    assert client_for(world.users.chef_b).get(url).status_code == 404
