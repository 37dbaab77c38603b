"""Under the Content-Security-Policy (no inline script), the pages still work in Chromium: no
violation reaches the console, and the shared polling script follows a running import."""

import pytest
from playwright.sync_api import expect

from students.models import ImportJob
from tests.students.factories import StudentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_run_without_any_console_error_and_polling_follows_a_job(
    world, page, browser_login, live_server
):
    student = StudentFactory(current_school=world.school_a, last_name="MARTIN")
    job = ImportJob.objects.create(
        school=world.school_a,
        created_by=world.users.chef_a,
        filename="export.csv",
        rows_total=200,
        rows_validated=50,
    )

    browser_login(page, world.users.chef_a)
    # Listened from the first page after login: the login page's own DSFR start-up error is
    # not a Content-Security-Policy matter (it happens without the policy too).
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    for path in ("/", "/eleves/", f"/eleves/{student.public_id}/", "/reprepa/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # The DSFR script ran (it marks the page once started).
    assert page.locator("html").get_attribute("data-fr-js") == "true"

    page.goto(f"{live_server.url}/eleves/import/{job.public_id}/")
    progress = page.locator("#import-progress [data-field=rows_validated]")
    assert progress.inner_text() == "50"
    ImportJob.objects.filter(pk=job.pk).update(rows_validated=150)
    expect(progress).to_have_text("150")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, rows_written=200, created_count=200
    )
    page.get_by_test_id("import-result").wait_for()
    assert "Import terminé" in page.get_by_test_id("import-result").inner_text()

    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .information-container").wait_for()
    assert errors == []
