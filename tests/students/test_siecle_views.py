"""SIECLE upload in the browser, the leavers' signals, the exit of one pupil, durable jobs."""

import datetime as dt
from html import unescape

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mlds.models import FollowUp
from students.models import Enrolment, ExitSignal, ImportJob, Student

from .siecle_factories import eleves_zip, responsables_zip

pytestmark = pytest.mark.django_db
URL = reverse("students:import")
SIGNALS = reverse("students:exit_signals")


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(dt.datetime(2025, 11, 3, 10, 0), tick=False):
        yield


@pytest.fixture
def post_zips(django_capture_on_commit_callbacks):
    def post(client, uai):
        files = [
            SimpleUploadedFile("ExportXML_ElevesSansAdresses.zip", eleves_zip(uai)),
            SimpleUploadedFile("ExportXML_ResponsablesAvecAdresses.zip", responsables_zip(uai)),
        ]
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, {"files": files})

    return post


def test_head_uploads_two_zips_and_sees_pupils_and_signals(world, client_for, post_zips, tmp_path):
    client = client_for(world.users.chef_a)
    response = post_zips(client, world.school_a.uai)

    job = ImportJob.objects.get()
    assert job.status == "termine", job.errors
    assert (
        job.filename == "ExportXML_ElevesSansAdresses.zip + ExportXML_ResponsablesAvecAdresses.zip"
    )
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    page = unescape(client.get(response["Location"]).content.decode())
    assert "5 élève(s) créé(s)" in page
    assert "2 sortie(s) sans solution signalée(s)" in page
    assert "1 élève(s) sans INE" in page

    laetitia = Student.objects.get(ine="123456789AB")
    detail = unescape(client.get(reverse("students:detail", args=[laetitia.public_id])).text)
    assert "Alex CŒUR" in detail and "À contacter en priorité" in detail
    assert "Personne à contacter" in detail
    newcomer = Student.objects.get(last_name="ŠKODA")
    detail = unescape(client.get(reverse("students:detail", args=[newcomer.public_id])).text)
    assert "INE en attente" in detail and "Aide sociale à l'enfance" in detail

    signals = unescape(client.get(SIGNALS).text)
    assert signals.count('data-testid="exit-signal"') == 2
    assert "export SIECLE élèves du 15/09/2025" in signals


def test_mlds_coordinator_opens_a_follow_up_in_one_click(world, client_for, post_zips):
    post_zips(client_for(world.users.chef_a), world.school_a.uai)
    mlds = client_for(world.users.mlds1)

    page = unescape(mlds.get(SIGNALS).text)
    assert page.count('data-testid="exit-signal"') == 1  # the 15-year-old is not hers
    assert "FICTIF Noé" in page and "ŸSER" not in page
    signal = ExitSignal.objects.get(kind="mlds")
    response = mlds.post(
        reverse("students:exit_signal_action", args=[signal.public_id]), {"action": "suivi"}
    )

    follow_up = FollowUp.objects.get()
    assert response["Location"] == reverse("mlds:follow_up_detail", args=[follow_up.public_id])
    assert follow_up.student == signal.student
    signal.refresh_from_db()
    assert signal.status == "suivi"
    assert "Suivi MLDS ouvert" in mlds.get(SIGNALS).text
    # A second click does not open a second follow-up.
    mlds.post(reverse("students:exit_signal_action", args=[signal.public_id]), {"action": "suivi"})
    assert FollowUp.objects.count() == 1


def test_dasen_sees_the_instruction_alert_and_outsiders_see_nothing(world, client_for, post_zips):
    post_zips(client_for(world.users.chef_a), world.school_a.uai)

    dasen = unescape(client_for(world.users.dasen1).get(SIGNALS).text)
    assert "ŸSER Éloïse" in dasen and "FICTIF" not in dasen
    for outsider in ("mlds2", "dasen2", "chef_b"):
        page = client_for(getattr(world.users, outsider)).get(SIGNALS)
        assert page.status_code == 200 and 'data-testid="exit-signal"' not in page.text
    signal = ExitSignal.objects.get(kind="mlds")
    url = reverse("students:exit_signal_action", args=[signal.public_id])
    assert client_for(world.users.mlds2).post(url, {"action": "suivi"}).status_code == 404
    for persona in ("cio1", "commission1", "norole"):
        assert client_for(getattr(world.users, persona)).get(SIGNALS).status_code == 404
    assert FollowUp.objects.count() == 0


def test_school_head_records_an_exit_from_the_pupil_page(world, client_for):
    from .factories import EnrolmentFactory, StudentFactory

    student = StudentFactory(current_school=world.school_a, birth_date=dt.date(2008, 1, 5))
    EnrolmentFactory(
        student=student, school=world.school_a, school_year=2025, entry_date=dt.date(2025, 9, 1)
    )
    url = reverse("students:record_exit", args=[student.public_id])
    client = client_for(world.users.chef_a)

    bad = client.post(url, {"exit_date": "2025-08-01", "motif": "41"})
    assert "La date de sortie précède l'entrée (01/09/2025)" in unescape(bad.text)
    assert "<title>Erreur" in bad.text
    missing = client.post(url, {"exit_date": "", "motif": ""})
    assert "Indiquez la date de sortie." in unescape(missing.text)

    response = client.post(url, {"exit_date": "2025-10-30", "motif": "41"})

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(student=student)
    assert (enrolment.exit_date, enrolment.exit_reason) == (dt.date(2025, 10, 30), "abandon")
    assert enrolment.history.first().history_user == world.users.chef_a
    assert ExitSignal.objects.get().kind == "mlds"
    for outsider in ("chef_b", "cio1", "mlds1"):
        assert (
            client_for(getattr(world.users, outsider))
            .post(url, {"exit_date": "2025-10-30", "motif": "41"})
            .status_code
            == 404
        )


def test_upload_answers_at_once_when_the_queue_is_down(world, client_for, settings, monkeypatch):
    from students import tasks

    settings.JOBS_RUN_INLINE = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.process_import_job, "apply_async", unreachable)
    client = client_for(world.users.chef_a)
    files = [SimpleUploadedFile("E.zip", eleves_zip(world.school_a.uai))]
    response = client.post(URL, {"files": files})

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "en_attente"
    page = unescape(client.get(response["Location"]).text)
    assert "En file d'attente" in page and "relancé automatiquement" in page

    # The queue is back: the sweep sends the job, which runs once.
    from jobs.runner import sweep

    monkeypatch.undo()
    settings.JOBS_RUN_INLINE = True
    with time_machine.travel(dt.datetime(2025, 11, 3, 10, 5), tick=False):
        assert sweep() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.created_count) == ("termine", 1, 5)
    assert sweep() == 0


def test_a_job_is_claimed_once_and_a_dead_worker_is_taken_over(world):
    from jobs.runner import claim
    from students.services import run_import_job

    job = ImportJob.objects.create(
        school=world.school_a, created_by=world.users.chef_a, filename="x.zip"
    )
    kwargs = {"pending": ("en_attente",), "running": ("verification",), "to_status": "verification"}
    assert claim(ImportJob, job.pk, **kwargs)
    assert not claim(ImportJob, job.pk, **kwargs)
    assert run_import_job(job_id=job.pk).status == "verification"  # another worker holds it
    later = dt.datetime(2025, 11, 3, 10, 30, tzinfo=dt.UTC)
    assert claim(ImportJob, job.pk, now=later, **kwargs)
    job.refresh_from_db()
    assert job.attempts == 2


def test_administrator_relaunches_a_failed_job(
    world, client_for, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save(
        "imports/eleves/x/E.zip", ContentFile(eleves_zip(world.school_a.uai))
    )
    job = ImportJob.objects.create(
        school=world.school_a,
        created_by=world.users.chef_a,
        filename="E.zip",
        attachments=[name],
        status="echec",
    )
    url = reverse("students:import_relaunch", args=[job.public_id])
    assert client_for(world.users.chef_a).post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.users.admin).post(url)
    job.refresh_from_db()
    assert job.status == "termine" and job.created_count == 5


def test_csv_template_lists_every_column(world, client_for):
    response = client_for(world.users.chef_a).get(reverse("students:import_template"))
    text = response.content.decode("utf-8-sig")
    assert text.startswith("INE;NOM;PRENOM;DATE_NAISS;SEXE;UAI;NIVEAU")
    assert world.school_a.uai in text
    assert client_for(world.users.cio1).get(reverse("students:import_template")).status_code == 404


def test_exit_through_the_api_is_scoped_and_historised(world, api_for):
    from .factories import EnrolmentFactory, StudentFactory

    student = StudentFactory(current_school=world.school_a, birth_date=dt.date(2008, 1, 5))
    EnrolmentFactory(
        student=student, school=world.school_a, school_year=2025, entry_date=dt.date(2025, 9, 1)
    )
    url = f"/api/v1/eleves/{student.public_id}/sortie/"
    body = {"exit_date": "2025-10-30", "motif": "35"}

    for outsider in ("chef_b", "cio1", "mlds1", "norole"):
        assert api_for(getattr(world.users, outsider)).post(url, body).status_code == 404
    assert (
        api_for(world.users.chef_a).post(url, {"exit_date": "x", "motif": "0"}).status_code == 400
    )
    response = api_for(world.users.chef_a).post(url, body)

    assert response.status_code == 200, response.content
    assert response.json()["exit_motif_code"] == "35"
    assert response.json()["exit_reason"] == "fin_etudes"
    enrolment = Enrolment.objects.get(student=student)
    assert enrolment.history.count() == 2
    assert api_for(world.users.chef_a).post(url, body).status_code == 400  # already closed
