"""The parameters that used to answer 500: each is now parsed by a form and answers a page
with a French message (or ignores the value), never an error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ..prevention.factories import CollegienFactory, MeetingFactory, ReviewFactory
from .test_fuzz_urls import MALFORMED_FILES

pytestmark = pytest.mark.django_db
HOSTILE = ["a\x00b", "pas-un-uuid", "9" * 40, "x" * 5000, ["1", "2"]]


@pytest.mark.parametrize("value", HOSTILE)
def test_school_search(world, client_for, value):
    response = client_for(world.users.dasen1).get(reverse("territories:school_list"), {"q": value})
    assert response.status_code in (200, 400)
    if isinstance(value, str) and ("\x00" in value or len(value) > 120):
        assert response.status_code == 400
        assert "Recherche ignorée" in response.text


def test_school_page_with_a_nul_in_its_uai_is_not_found(world, client_for):
    response = client_for(world.users.dasen1).get("/structures/%00AB/")
    assert response.status_code == 404


@pytest.mark.parametrize("value", HOSTILE)
def test_gpds_meeting_prefill(world, client_for, value):
    meeting = MeetingFactory(school=world.school_a)
    response = client_for(world.users.chef_a).get(meeting.get_absolute_url(), {"eleve": value})
    assert response.status_code == 200


@pytest.mark.parametrize("kind", ["pafi", "tdo", "derogatoire"])
@pytest.mark.parametrize("value", HOSTILE)
def test_opening_a_path_from_a_gpds_decision(world, client_for, kind, value):
    student = CollegienFactory(current_school=world.school_a)
    url = reverse("prevention:open_path", args=[student.public_id, kind])
    response = client_for(world.users.chef_a).get(url, {"examen": value})
    assert response.status_code == 200
    assert "Décision du GPDS d&#x27;origine introuvable" in response.text


def test_a_real_gpds_decision_is_still_linked(world, client_for):
    review = ReviewFactory(
        meeting=MeetingFactory(school=world.school_a),
        student=CollegienFactory(current_school=world.school_a),
        in_charge="Mme Leroy",
    )
    url = reverse("prevention:open_path", args=[review.student.public_id, "pafi"])
    response = client_for(world.users.chef_a).get(url, {"examen": str(review.public_id)})
    assert response.status_code == 200
    assert "introuvable" not in response.text
    assert response.context["review"] == review


@pytest.mark.parametrize("param", ["objet", "compte"])
@pytest.mark.parametrize("value", HOSTILE)
def test_traceability_filters(world, client_for, param, value):
    response = client_for(world.users.admin).get(reverse("audit:access_log"), {param: value})
    assert response.status_code in (200, 400)
    if isinstance(value, str) and "\x00" in value:
        assert response.status_code == 400
        assert "Filtre ignoré" in response.text


@pytest.mark.parametrize("name", sorted(MALFORMED_FILES))
def test_malformed_uploads_get_a_french_refusal(
    world, client_for, name, django_capture_on_commit_callbacks
):
    """Refused by the form (400), or accepted and imported in the background: then the job's
    page answers with its report (the import ran in the commit callback)."""
    content = MALFORMED_FILES[name]
    uploads = [
        (world.users.referent_a, reverse("prevention:absence_import")),
        (world.users.mlds1, reverse("mlds:siei_import")),
        (world.users.chef_a, reverse("dossiers:import")),
    ]
    for user, url in uploads:
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code in (200, 302, 400), (url, response.status_code)
        if response.status_code == 302:
            response = client.get(response["Location"])
            assert response.status_code == 200, url
            assert "Erreur technique" not in response.text, url
        text = response.text.lower()
        assert "fichier" in text or "ligne" in text, url


@pytest.mark.parametrize("value", ["-1", "a\x00b", "//evil.example", "https://evil.example/"])
def test_reminder_return_address_is_never_followed_off_site(world, client_for, value):
    from notifications.models import Reminder
    from notifications.services import run_daily_sweep

    from ..notifications.factories import DeadlineFactory
    from ..students.factories import StudentFactory

    deadline = DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    run_daily_sweep(today=deadline.due_date)
    reminder = Reminder.objects.filter(recipient=world.users.chef_a).first()
    response = client_for(world.users.chef_a).post(
        reverse("notifications:mark_read", args=[reminder.public_id]), {"next": value}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")
