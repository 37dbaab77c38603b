"""The exam results, SIEI and absences uploads run as background jobs: the request stores the
file, commits the job and answers with the progress page; the import runs once, even when the
queue was down or the message is delivered twice; errors come in the shared report; only who
may see the upload sees its page."""

import codecs
import datetime as dt
import socket
import time
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import RepreparationDossier
from jobs import runner
from jobs.models import UploadJob
from jobs.tasks import process_upload_job
from mlds.models import FollowUp
from prevention.models import AbsenceRecord

from ..prevention.factories import CollegienFactory
from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db

RESULTS_HEADER = "ine;examen;serie_specialite;session;resultat;moyenne"
SIEI_HEADER = "ine;nom;prenom;date_naissance;sexe"
ABSENCES_HEADER = "ine;mois;demi_journees_absence;dont_non_justifiees"


def _results_pupil(world):
    StudentFactory(ine="111111111AA", current_school=world.school_a)


def _absences_pupil(world):
    CollegienFactory(ine="123456789AB", current_school=world.school_a)


KINDS = {
    "resultats": {
        "persona": "chef_a",
        "outsider": "chef_b",
        "url": "dossiers:import",
        "status": "dossiers:import_status",
        "progress": "dossiers:import_progress",
        "relaunch": "dossiers:import_relaunch",
        "setup": _results_pupil,
        "header": RESULTS_HEADER,
        "good": "111111111AA;bac_pro;MELEC;2025;ajourne;7,5",
        "bad": "111111111AA;bac_pro;MELEC;2025;recale;7,5",
        "bad_message": "Résultat « recale » inconnu",
        "stored": lambda: RepreparationDossier.objects.count(),
        "summary": "1 dossier(s) de re-préparation ouvert(s)",
    },
    "siei": {
        "persona": "mlds1",
        "outsider": "mlds2",
        "url": "mlds:siei_import",
        "status": "mlds:siei_import_status",
        "progress": "mlds:siei_import_progress",
        "relaunch": "mlds:siei_import_relaunch",
        "setup": lambda world: None,
        "header": SIEI_HEADER,
        "good": ";Durand;Léa;12/03/2007;F",
        "bad": ";Durand;Léa;99/99/2007;F",
        "bad_message": "Date de naissance « 99/99/2007 » illisible",
        "stored": lambda: FollowUp.objects.count(),
        "summary": "1 suivi(s) ouvert(s)",
    },
    "absences": {
        "persona": "referent_a",
        "outsider": "chef_b",
        "url": "prevention:absence_import",
        "status": "prevention:absence_import_status",
        "progress": "prevention:absence_import_progress",
        "relaunch": "prevention:absence_import_relaunch",
        "setup": _absences_pupil,
        "header": ABSENCES_HEADER,
        "good": "123456789AB;2025-10;20;3",
        "bad": "123456789AB;2025-10;20;30",
        "bad_message": "30 demi-journées non justifiées pour 20",
        "stored": lambda: AbsenceRecord.objects.count(),
        "summary": "1 ligne(s) importée(s)",
    },
}


@pytest.fixture(autouse=True)
def on_day(clock, settings, tmp_path):
    """After the 2025 results day and the October absences; uploads stored in a scratch folder."""
    settings.MEDIA_ROOT = str(tmp_path)
    clock.at(dt.date(2025, 12, 15))


@pytest.fixture
def post(client_for, django_capture_on_commit_callbacks):
    """Upload as the kind's persona; the job runs in the commit callback (inline runner)."""

    def send(world, kind, content: bytes, *, name="fichier.csv", user=None, follow=False):
        spec = KINDS[kind]
        client = client_for(user or getattr(world.users, spec["persona"]))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse(spec["url"]), {"file": SimpleUploadedFile(name, content)}
            )
        if follow and response.status_code == 302:
            response = client.get(response["Location"])
        return client, response

    return send


def csv_file(kind, *lines, newline="\n", encoding="utf-8"):
    spec = KINDS[kind]
    return newline.join([spec["header"], *lines, ""]).encode(encoding)


def files_left(tmp_path):
    return [p for p in tmp_path.rglob("*") if p.is_file()]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_upload_answers_with_the_progress_page_and_imports(world, post, kind, tmp_path):
    spec = KINDS[kind]
    spec["setup"](world)

    client, response = post(world, kind, csv_file(kind, spec["good"]))

    job = UploadJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(spec["status"], args=[job.public_id])
    assert (job.kind, job.status, job.attempts) == (kind, "termine", 1)
    assert job.created_by == getattr(world.users, spec["persona"])
    assert spec["stored"]() == 1
    assert files_left(tmp_path) == []  # the file is not kept once imported
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert spec["summary"] in unescape(page.text)
    assert client.get(reverse(spec["progress"], args=[job.public_id])).json()["finished"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_message_delivered_twice_imports_once(world, post, kind):
    spec = KINDS[kind]
    spec["setup"](world)
    post(world, kind, csv_file(kind, spec["good"]))
    job = UploadJob.objects.get()

    process_upload_job.apply(args=[job.pk])  # the broker's redelivery, or the sweep's resend

    job.refresh_from_db()
    assert (job.status, job.attempts) == ("termine", 1)
    assert spec["stored"]() == 1


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_outsider_gets_404_on_the_upload_pages(world, post, client_for, kind):
    spec = KINDS[kind]
    spec["setup"](world)
    post(world, kind, csv_file(kind, spec["good"]))
    job = UploadJob.objects.get()
    outsider = client_for(getattr(world.users, spec["outsider"]))

    for name in ("status", "progress"):
        assert outsider.get(reverse(spec[name], args=[job.public_id])).status_code == 404
    assert outsider.post(reverse(spec["relaunch"], args=[job.public_id])).status_code == 404
    # The uploads list of the outsider's own page does not show it either.
    if kind != "absences":
        assert job.filename not in outsider.get(reverse(spec["url"])).text


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_row_errors_come_in_the_shared_report_and_nothing_is_written(world, post, kind):
    spec = KINDS[kind]
    spec["setup"](world)

    _, response = post(world, kind, csv_file(kind, spec["bad"]), follow=True)

    html = unescape(response.text)
    job = UploadJob.objects.get()
    assert job.status == "refuse"
    assert "<title>Import refusé" in html
    assert 'data-testid="import-error"><td>2</td>' in html
    assert spec["bad_message"] in html
    assert "rien n'a été enregistré" in html
    assert spec["stored"]() == 0


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_cr_only_and_utf16_files_are_read(world, post, kind):
    spec = KINDS[kind]
    spec["setup"](world)

    post(world, kind, csv_file(kind, spec["good"], newline="\r"), name="mac.csv")
    post(world, kind, codecs.BOM_UTF16_LE + csv_file(kind, spec["good"], encoding="utf-16-le"))

    assert list(UploadJob.objects.values_list("status", flat=True)) == ["termine", "termine"]
    assert spec["stored"]() == 1


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_two_megabyte_cell_gives_a_french_report(world, post, kind):
    spec = KINDS[kind]
    spec["setup"](world)
    huge = spec["good"] + ";" + "x" * (2 * 1024 * 1024)

    _, response = post(world, kind, csv_file(kind, huge), follow=True)

    assert response.status_code == 200
    assert UploadJob.objects.get().status == "refuse"
    assert "Une cellule dépasse" in unescape(response.text)
    assert spec["stored"]() == 0


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0IHDR" + bytes(range(256)), "ni un fichier CSV"),
        ("archive.zip", b"PK\x03\x04\x14\0\0\0" + bytes(64), "enregistrez la feuille"),
        ("export.bin", b"\x00\x01\x02\xff" * 100, "ni un fichier CSV"),
    ],
)
def test_binary_files_are_refused_in_french_before_any_job(
    world, post, kind, name, content, message
):
    _, response = post(world, kind, content, name=name)

    assert response.status_code == 400
    assert message in unescape(response.text)
    assert not UploadJob.objects.exists()


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down(settings):
    """CELERY_BROKER_URL on a port where nothing listens."""
    from kombu import pools

    from config.celery import app

    url = f"redis://127.0.0.1:{_unused_port()}/0"
    settings.CELERY_BROKER_URL = url
    settings.JOBS_RUN_INLINE = False
    saved = {
        k: app.conf[k] for k in ("broker_url", "task_always_eager", "broker_transport_options")
    }
    # kombu gives up connecting after broker_connection_timeout (4 s), measured on time.time(),
    # which the frozen clock stops: a number of retries bounds it instead.
    app.conf.update(
        broker_url=url,
        task_always_eager=False,
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        broker_transport_options={"max_retries": 0},
    )
    app.__dict__.pop("amqp", None)
    app._pool = None
    yield
    pools.reset()
    app.conf.update(saved)
    app.__dict__.pop("amqp", None)
    app._pool = None


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_with_the_broker_down_the_request_answers_and_the_sweep_imports_once(
    world, post, broker_down, settings, kind
):
    spec = KINDS[kind]
    spec["setup"](world)

    client, response = post(world, kind, csv_file(kind, spec["good"]))

    job = UploadJob.objects.get()
    assert response.status_code == 302
    assert job.status == "en_attente"
    page = unescape(client.get(response["Location"]).text)
    assert "En file d'attente" in page and "relancé automatiquement" in page
    assert spec["stored"]() == 0

    settings.JOBS_RUN_INLINE = True  # the queue is back (the task runs here)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    assert runner.sweep(now=later) == 1
    assert runner.sweep(now=later + dt.timedelta(minutes=5)) == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("termine", 1)
    assert spec["stored"]() == 1


def test_administrator_relaunches_a_stuck_upload(
    world, post, broker_down, settings, client_for, django_capture_on_commit_callbacks
):
    spec = KINDS["resultats"]
    spec["setup"](world)
    post(world, "resultats", csv_file("resultats", spec["good"]))
    job = UploadJob.objects.get()
    url = reverse(spec["relaunch"], args=[job.public_id])
    assert client_for(world.users.chef_a).post(url).status_code == 404  # not an administrator

    settings.JOBS_RUN_INLINE = True
    admin = client_for(world.users.admin)
    assert "Relancer l'import" in admin.get(reverse(spec["status"], args=[job.public_id])).text
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url)

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("termine", 1)
    assert spec["stored"]() == 1


@pytest.mark.django_db(transaction=True)
def test_a_long_import_keeps_its_heartbeat_so_the_sweep_does_not_run_it_twice(
    world, settings, tmp_path, clock
):
    """An import that outlasts the stale delay (a large results file) says it is alive while it
    runs: the sweep, which resends jobs whose heartbeat stopped, leaves it to its worker."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from jobs import uploads

    clock.at(dt.datetime(2025, 12, 15, 10), tick=True)  # time runs while the import does
    settings.MEDIA_ROOT = str(tmp_path)
    settings.JOBS_HEARTBEAT_SECONDS = 0.05
    seen = {}

    def long_import(job, raw, user):
        started = UploadJob.objects.get(pk=job.pk).started_at
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)
        while dt.datetime.now(dt.UTC) < deadline:
            beat = UploadJob.objects.get(pk=job.pk).heartbeat_at
            if beat >= started + dt.timedelta(seconds=0.5):
                break
            time.sleep(0.02)
        seen["beat"] = beat - started
        # What the sweep would have taken for a dead worker's job without the heartbeat.
        seen["resent"] = runner.sweep(
            now=started + runner.stale_after() + dt.timedelta(seconds=0.2)
        )
        return "1 ligne importée"

    uploads.register_upload("essai-long", run=long_import)
    try:
        user = world.users.chef_a
        job = UploadJob.objects.create(
            kind="essai-long",
            created_by=user,
            role=user.roles[0],
            stored_name=default_storage.save("imports/essai/f.csv", ContentFile(b"a;b\n1;2\n")),
            filename="f.csv",
            enqueued_at=dt.datetime.now(dt.UTC),
        )
        process_upload_job.apply(args=[job.pk])
    finally:
        uploads._handlers.pop("essai-long", None)

    job.refresh_from_db()
    assert (job.status, job.attempts) == ("termine", 1)
    assert seen["beat"] >= dt.timedelta(seconds=0.5)
    assert seen["resent"] == 0
