"""Journey 1: results imported → dossier opened → entretien recorded → change of school
transmitted → commission proposes → the IA-DASEN pronounces → the family letter names the
pupil and the school."""

import datetime as dt
import subprocess

import pytest
from playwright.sync_api import expect

from dossiers.models import Capacity, CommissionSession, GeneratedDocument, RepreparationDossier
from dossiers.services import commission_for

from ..students.factories import LegalRepresentativeFactory, StudentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_action(page, label):
    """Unfold an action of the dossier page. The accordion only opens once the DSFR script
    has started (it marks <html data-fr-js="true">): a click before that is lost."""
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    page.get_by_role("button", name=label).first.click()


def test_reprepa_journey(world, browser, browser_login, live_server, tmp_path, clock, settings):
    clock.at(dt.datetime(2025, 7, 9, 9, 0), tick=True)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    pupil = StudentFactory(
        current_school=world.school_a,
        ine="123456789AB",
        last_name="Lambert",
        first_name="Inès",
        birth_date=dt.date(2008, 11, 2),
    )
    LegalRepresentativeFactory(student=pupil, first_name="Claire", last_name="Lambert")
    csv = tmp_path / "resultats.csv"
    csv.write_text(
        "ine;examen;serie_specialite;session;resultat;moyenne;note_FRANCAIS;note_EP_PRO\n"
        "123456789AB;bac_pro;MELEC;2025;ajourné;7,2;11;6\n",
        encoding="utf-8",
    )
    url = live_server.url

    # 1. The school head imports the results: a dossier opens for the ajournée.
    head = browser.new_context().new_page()
    browser_login(head, world.users.chef_a)
    head.goto(f"{url}/reprepa/import/")
    head.get_by_label("Fichier des résultats (CSV)").set_input_files(str(csv))
    head.get_by_role("button", name="Importer").click()
    expect(head.locator("main")).to_contain_text("1 dossier(s) de re-préparation ouvert(s)")
    head.goto(f"{url}/reprepa/")
    row = head.get_by_test_id("dossier-row")
    assert "LAMBERT" in row.text_content() and "Dossier remis" in row.text_content()
    row.get_by_role("link").click()

    # 2. The entretien de situation is recorded.
    open_action(head, "Enregistrer l'entretien de situation")
    form = head.get_by_test_id("action-record_entretien")
    form.locator("[name='record_entretien-held_on']").fill("2025-07-08")
    form.locator("[name='record_entretien-participants']").fill("Inès, sa mère, le proviseur")
    form.locator("[name='record_entretien-expectations']").fill("Repasser le bac pro ailleurs")
    form.get_by_role("button").click()
    expect(head.get_by_test_id("dossier-state")).to_have_text("Entretien réalisé")

    # 3. Wish: change of school; the head transmits to the commission.
    open_action(head, "Enregistrer le souhait")
    form = head.get_by_test_id("action-express_wish")
    form.locator("[name='express_wish-wish']").select_option("changement")
    form.get_by_role("button").click()
    expect(head.get_by_test_id("dossier-state")).to_have_text("Souhait exprimé")
    open_action(head, "Transmettre à la commission d'affectation")
    form = head.get_by_test_id("action-transmit_to_commission")
    form.locator("[name='transmit_to_commission-proposed_school']").select_option(
        str(world.school_b.pk)
    )
    form.locator("[name='transmit_to_commission-requested_formation']").fill(
        "Terminale professionnelle MELEC"
    )
    form.get_by_role("button").click()
    expect(head.get_by_test_id("dossier-state")).to_have_text("Transmis à la commission")

    # 4. The commission decides in session against the receiving school's capacity.
    commission = commission_for(world.dep1)
    session = CommissionSession.objects.create(
        commission=commission, date=dt.date(2025, 7, 10), members="Mme Roux, IA-DASEN"
    )
    Capacity.objects.create(
        commission=commission,
        school=world.school_b,
        formation="Terminale professionnelle MELEC",
        places=3,
    )
    dasen = browser.new_context().new_page()
    browser_login(dasen, world.users.dasen1)
    dasen.goto(f"{url}/reprepa/commission/seances/{session.public_id}/")
    dossier = RepreparationDossier.objects.get()
    dasen.locator("html[data-fr-js='true']").wait_for(state="attached")
    decide = dasen.get_by_test_id(f"decide-{dossier.public_id}")
    decide.get_by_text("Proposer l'affectation").click()
    decide.get_by_label("Lycée et formation d'accueil").select_option(index=1)
    decide.get_by_role("button", name="Enregistrer la décision").click()
    expect(dasen.get_by_test_id("decisions")).to_contain_text(
        "Affectation proposée : Lycée Jacques Amyot"
    )
    # 4b. The IA-DASEN pronounces the assignment (domain.md §4.5): only then the letter.
    dasen.get_by_role("button", name="Prononcer les affectations cochées").click()
    expect(dasen.locator("main")).to_contain_text("1 affectation prononcée")
    expect(dasen.get_by_test_id("decisions")).to_contain_text("Affecté : Lycée Jacques Amyot")

    # 5. The head generates the family letter; its text names the pupil and the school.
    head.reload()
    expect(head.get_by_test_id("decision")).to_contain_text("Lycée Jacques Amyot")
    head.get_by_role("button", name="Générer la lettre à la famille (PDF)").click()
    link = head.get_by_test_id("documents").get_by_role("link").first
    expect(link).to_contain_text("Lettre de décision")
    with head.expect_download() as download_info:
        link.click(modifiers=["Alt"])
    path = tmp_path / "lettre.pdf"
    download_info.value.save_as(path)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Inès LAMBERT" in text
    assert "Lycée Jacques Amyot" in text
    assert "Claire Lambert" in text  # a minor: the letter goes to the representatives
    assert GeneratedDocument.objects.filter(dossiers=dossier).count() == 1
