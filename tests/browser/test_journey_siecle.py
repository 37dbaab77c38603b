"""A school head uploads the two SIECLE ZIPs of the lycée; the MLDS coordinator sees the
leaver on her list and opens a follow-up in one click. Real Chromium."""

import pytest
from django.utils import timezone

from mlds.models import FollowUp
from students.rules import school_year_of
from tests.students.siecle_factories import eleves_zip, responsables_zip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_siecle_upload_to_mlds_follow_up(
    world, page, browser, browser_login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    year = school_year_of(timezone.localdate())
    uai = world.school_a.uai
    eleves = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    eleves.write_bytes(eleves_zip(uai, school_year=year))
    responsables = tmp_path / "ExportXML_ResponsablesAvecAdresses.zip"
    responsables.write_bytes(responsables_zip(uai, school_year=year))

    browser_login(page, world.users.chef_a)
    page.goto(f"{live_server.url}/eleves/import/")
    page.get_by_label("Fichiers de l'export élèves").set_input_files(
        [str(eleves), str(responsables)]
    )
    page.get_by_role("button", name="Importer le fichier").click()

    assert "5 élève(s) créé(s)" in page.get_by_test_id("import-result").inner_text()
    warnings = page.get_by_test_id("import-warnings").inner_text()
    assert "2 sortie(s) sans solution signalée(s)" in warnings
    page.get_by_role("link", name="Voir les élèves").click()
    listed = page.get_by_test_id("student-row").all_inner_texts()
    assert any(row.startswith("CŒUR Lœtitia") for row in listed)
    assert any(row.startswith("ŠKODA Žofia") and "sans ine" in row.lower() for row in listed)
    page.get_by_role("link", name="CŒUR Lœtitia").click()
    reps = page.get_by_test_id("representative").all_inner_texts()
    assert len(reps) == 3 and "Mère" in reps[0] and "personne à contacter" in reps[2].lower()
    assert "1G2" in page.content()
    page.goto(f"{live_server.url}/eleves/sorties/")
    assert len(page.get_by_test_id("exit-signal").all()) == 2

    coordinator = browser.new_context().new_page()
    browser_login(coordinator, world.users.mlds1)
    coordinator.goto(f"{live_server.url}/eleves/sorties/")
    rows = coordinator.get_by_test_id("exit-signal")
    assert rows.count() == 1
    assert "FICTIF Noé" in rows.first.inner_text()
    assert "export SIECLE élèves" in rows.first.inner_text()
    rows.first.get_by_role("button", name="Ouvrir un suivi MLDS").click()
    coordinator.wait_for_url(f"{live_server.url}/mlds/suivis/**")
    follow_up = FollowUp.objects.get()
    assert follow_up.student.last_name == "FICTIF"
    assert "FICTIF" in coordinator.content()
