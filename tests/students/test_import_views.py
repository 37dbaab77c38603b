"""Browser upload of the pupil export: who may upload, the report, the progress endpoint."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from students.models import ImportJob, Student

from .import_factories import csv_bytes, pupil_row

pytestmark = pytest.mark.django_db
URL = reverse("students:import")


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post a file; the import task runs when the job row commits (in-process, no broker)."""

    def post(client, content, name="eleves.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, {"files": SimpleUploadedFile(name, content, "text/csv")})

    return post


def test_school_head_uploads_own_pupils_and_sees_the_report(
    world, client_for, settings, tmp_path, upload
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.users.chef_a)
    content = csv_bytes([pupil_row(world.school_a.uai, 1), pupil_row(world.school_a.uai, 2)])

    response = upload(client, content)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("students:import_status", args=[job.public_id])
    assert (job.status, job.school, job.created_by) == (
        "termine",
        world.school_a,
        world.users.chef_a,
    )
    assert (job.rows_total, job.created_count) == (2, 2)
    assert not job.file  # the upload is not kept once imported
    assert list(tmp_path.rglob("*.csv")) == []
    page = client.get(response["Location"])
    assert "2 élève(s) créé(s)" in page.content.decode()
    assert Student.objects.filter(current_school=world.school_a).count() == 2


def test_rejected_upload_lists_errors_by_line_and_stores_nothing(
    world, client_for, settings, tmp_path, upload
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.users.chef_a)
    content = csv_bytes(
        [
            pupil_row(world.school_a.uai, 1),
            pupil_row(world.school_b.uai, 2),
            pupil_row(world.school_a.uai, 3, DATE_NAISS="29/02/2009"),
        ]
    )

    response = upload(client, content)

    job = ImportJob.objects.get()
    assert job.status == "refuse"
    assert [(e["line"], e["column"]) for e in job.errors] == [(3, "UAI"), (4, "DATE_NAISS")]
    assert Student.objects.count() == 0
    html = unescape(client.get(response["Location"]).content.decode())
    assert "hors de votre périmètre" in html
    assert "date « 29/02/2009 » impossible" in html
    assert "rien n'a été enregistré" in html


def test_upload_form_refuses_wrong_files_inline(world, client_for, upload):
    client = client_for(world.users.chef_a)

    response = upload(client, b"%PDF-1.4", name="eleves.pdf")

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "déposez un export SIECLE (.zip ou .xml) ou un fichier .csv" in html
    assert "<title>Erreur" in html
    assert ImportJob.objects.count() == 0


def test_referent_of_the_school_may_upload_too(world, client_for):
    assert client_for(world.users.referent_a).get(URL).status_code == 200


def test_head_of_another_school_cannot_import_pupils_of_school_a(world, client_for, upload):
    upload(client_for(world.users.chef_d), csv_bytes([pupil_row(world.school_a.uai, 1)]))

    job = ImportJob.objects.get()
    assert (job.status, job.school) == ("refuse", world.school_d)
    assert "hors de votre périmètre" in job.errors[0]["message"]
    assert Student.objects.count() == 0


@pytest.mark.parametrize("persona", ["cio1", "dasen1", "foquale", "pilot", "norole"])
def test_other_roles_get_404_on_the_upload_page(world, client_for, persona, upload):
    client = client_for(getattr(world.users, persona))
    assert client.get(URL).status_code == 404
    content = csv_bytes([pupil_row(world.school_a.uai, 1)])
    assert upload(client, content).status_code == 404
    assert Student.objects.count() == 0


def test_status_page_and_progress_are_for_the_school_only(
    world, client_for, settings, tmp_path, upload
):
    settings.MEDIA_ROOT = tmp_path
    upload(client_for(world.users.chef_a), csv_bytes([pupil_row(world.school_a.uai, 1)]))
    job = ImportJob.objects.get()
    status_url = reverse("students:import_status", args=[job.public_id])
    progress_url = reverse("students:import_progress", args=[job.public_id])

    colleague = client_for(world.users.referent_a)
    assert colleague.get(status_url).status_code == 200
    data = colleague.get(progress_url).json()
    assert data == {
        "status": "termine",
        "status_label": "Importé",
        "finished": True,
        "percent": 100,
        "rows_total": 1,
        "rows_validated": 1,
        "rows_written": 1,
        "error_count": 0,
    }
    for outsider in (world.users.chef_b, world.users.cio1, world.users.norole):
        assert client_for(outsider).get(status_url).status_code == 404
        assert client_for(outsider).get(progress_url).status_code == 404


def test_pending_job_shows_a_progress_bar_polling_its_endpoint(world, client_for):
    job = ImportJob.objects.create(
        school=world.school_a,
        created_by=world.users.chef_a,
        filename="gros.csv",
        rows_total=100000,
        rows_validated=50000,
    )
    html = client_for(world.users.chef_a).get(
        reverse("students:import_status", args=[job.public_id])
    )

    assert (
        '<progress class="import-progress" data-field="percent" max="100" value="25"'
        in html.content.decode()
    )
    assert reverse("students:import_progress", args=[job.public_id]) in html.content.decode()


def test_list_page_links_to_the_upload_for_school_staff_only(world, client_for):
    assert URL in client_for(world.users.chef_a).get(reverse("students:list")).content.decode()
    assert URL not in client_for(world.users.cio1).get(reverse("students:list")).content.decode()


def test_upload_page_query_count_does_not_grow_with_jobs(world, client_for):
    client = client_for(world.users.chef_a)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    ImportJob.objects.create(school=world.school_a, created_by=world.users.chef_a, filename="a.csv")
    few = count_queries()
    for n in range(8):
        ImportJob.objects.create(
            school=world.school_a, created_by=world.users.chef_b, filename=f"f{n}.csv"
        )
    assert count_queries() == few
