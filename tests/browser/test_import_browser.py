"""A school head imports the school's pupil export through the page, in real Chromium, and then
sees exactly the school's pupils in the list."""

import pytest

from students.models import Student
from tests.students.factories import StudentFactory
from tests.students.import_factories import csv_bytes, pupil_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_head_imports_a_file_and_sees_exactly_their_pupils(
    world, page, browser_login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    # A pupil of another school already exists: the list must not show them.
    StudentFactory(current_school=world.school_b, last_name="AILLEURS", first_name="Paul")
    names = ["BERNARD", "CHEVALIER", "DIALLO"]
    rows = [pupil_row(world.school_a.uai, n, NOM=name) for n, name in enumerate(names, start=1)]
    path = tmp_path / "export_siecle.csv"
    path.write_bytes(csv_bytes(rows, encoding="cp1252"))

    browser_login(page, world.users.chef_a)
    page.goto(f"{live_server.url}/eleves/")
    page.get_by_role("link", name="Importer l'export élèves (SIECLE)").click()
    page.get_by_label("Fichiers de l'export élèves").set_input_files(str(path))
    page.get_by_role("button", name="Importer le fichier").click()

    result = page.get_by_test_id("import-result")
    assert "3 élève(s) créé(s)" in result.inner_text()
    page.get_by_role("link", name="Voir les élèves").click()
    listed = page.get_by_test_id("student-row").all_inner_texts()
    assert sorted(row.split()[0] for row in listed) == names
    assert Student.objects.filter(current_school=world.school_a).count() == 3


def test_school_head_sees_the_errors_of_a_rejected_file_by_line(
    world, page, browser_login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    rows = [
        pupil_row(world.school_a.uai, 1),
        pupil_row(world.school_d.uai, 2),
        pupil_row(world.school_a.uai, 3, INE="12AB"),
    ]
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(rows, sep=","))

    browser_login(page, world.users.chef_a)
    page.goto(f"{live_server.url}/eleves/import/")
    page.get_by_label("Fichiers de l'export élèves").set_input_files(str(path))
    page.get_by_role("button", name="Importer le fichier").click()

    errors = page.get_by_test_id("import-error").all_inner_texts()
    assert len(errors) == 2
    assert errors[0].startswith("3") and "hors de votre périmètre" in errors[0]
    assert errors[1].startswith("4") and "INE « 12AB » invalide" in errors[1]
    assert Student.objects.count() == 0
