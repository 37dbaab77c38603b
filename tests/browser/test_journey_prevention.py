"""Journey 2: absences imported → pupil flagged → GPDS decides a parcours dérogatoire →
contract PDF → IA-DASEN validates → interim and final bilans recorded."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications import calendar
from prevention.models import Derogatoire
from students.enums import Level
from territories.enums import Voie

from ..students.factories import StudentFactory
from .actions import unfold, unfold_blocked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login_as(browser, browser_login, user):
    page = browser.new_context().new_page()
    browser_login(page, user)
    return page


def test_prevention_journey(world, page, browser, browser_login, live_server, tmp_path):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    pupil = StudentFactory(
        current_school=world.school_a,
        ine="111222333AB",
        last_name="Girard",
        first_name="Noé",
        level=Level.QUATRIEME,
        voie=Voie.COLLEGE,
        division="4C",
        # 16 in the middle of the running school year: a priority pupil (seed 003).
        birth_date=dt.date(calendar.school_year_running(None, today) + 1 - 16, 1, 15),
    )
    csv = tmp_path / "absences.csv"
    csv.write_text(
        "ine;mois;demi_journees_absence;dont_non_justifiees\n"
        f"111222333AB;{last_month:%Y-%m};1;0\n"
        f"111222333AB;{this_month:%Y-%m};12;6\n",
        encoding="utf-8",
    )
    url = live_server.url

    # 1. The référent imports the absences; the pupil is flagged, with why and since when.
    browser_login(page, world.users.referent_a)
    page.goto(f"{url}/prevention/signaux/")
    page.get_by_label("Fichier des absences (CSV)").set_input_files(str(csv))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("body")).to_contain_text("2 ligne(s) importée(s)")
    page.goto(f"{url}/prevention/")
    flagged = page.get_by_test_id("flagged")
    assert "GIRARD" in flagged.text_content()
    assert "Assiduité sous le seuil" in flagged.text_content()
    assert "Absences non justifiées" in flagged.text_content()

    # 2. A GPDS meeting reviews the pupil and decides a parcours dérogatoire.
    page.goto(f"{url}/prevention/gpds/")
    page.get_by_label("Membres présents").fill("Mme Leroy, CPE\nM. Nguyen, professeur principal")
    page.get_by_role("button", name="Enregistrer la réunion").click()
    form = page.get_by_test_id("review-form")
    form.get_by_label("Élève examiné").select_option(label="GIRARD Noé")
    form.get_by_label("Situation observée").fill("Absences en hausse, perte de motivation.")
    form.get_by_label("Décision").select_option(value="derogatoire")
    form.get_by_label("Personne en charge").fill("M. Nguyen")
    form.get_by_label("Prochain examen en GPDS").fill(f"{today + dt.timedelta(days=42):%Y-%m-%d}")
    form.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_role("link", name="Ouvrir le parcours dérogatoire").click()
    expect(page.locator("body")).to_contain_text("Prioritaire")
    page.get_by_label("Début prévu").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("Fin prévue").fill(f"{today + dt.timedelta(days=200):%Y-%m-%d}")
    page.get_by_label("Enseignements dont l'élève est dispensé").fill("LV2, technologie")
    page.get_by_label("Organisation de l'alternance").fill("Deux jours au LP, trois au collège")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_test_id("status")).to_have_text("Brouillon (contrat en préparation)")

    # 3. Contract: an objective, the three signatures, the PDF, then transmission.
    obj = unfold(page, "objectif", "Ajouter un objectif")
    obj.get_by_label("Objectif").fill("Assiduité complète les jours de collège")
    obj.get_by_label("Échéance").fill(f"{today + dt.timedelta(days=60):%Y-%m-%d}")
    obj.get_by_role("button", name="Ajouter un objectif").click()
    # Not signed yet: the transmission is greyed with what is missing.
    expect(unfold_blocked(page, "transmettre")).to_contain_text("la signature du jeune")
    sig = unfold(page, "signatures", "Enregistrer les signatures du contrat")
    for label in ("jeune", "famille", "chef"):
        sig.get_by_label(re.compile(label)).fill(f"{today:%Y-%m-%d}")
    sig.get_by_role("button", name="Enregistrer les signatures du contrat").click()
    pdf_url = page.get_by_role("link", name="Contrat à signer (PDF)").get_attribute("href")
    pdf = page.request.get(f"{url}{pdf_url}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:4] == b"%PDF"
    unfold(page, "transmettre", "Transmettre à la DSDEN sous le timbre IEN-IO").get_by_role(
        "button", name="Transmettre à la DSDEN sous le timbre IEN-IO"
    ).click()
    expect(page.get_by_test_id("status")).to_contain_text("Transmis à la DSDEN")
    path_url = page.url

    # 4. IEN-IO gives an opinion, the IA-DASEN validates from the queue.
    ien = login_as(browser, browser_login, world.users.ienio1)
    ien.goto(f"{url}/prevention/validation/")
    ien.get_by_role("link", name="GIRARD Noé").click()
    opinion = unfold(ien, "avis", "Rendre l'avis de l'IEN-IO")
    opinion.get_by_label("Avis de l'IEN-IO").select_option(value="favorable")
    opinion.get_by_role("button", name="Rendre l'avis de l'IEN-IO").click()
    expect(ien.get_by_test_id("status")).to_contain_text("Avis de l'IEN-IO rendu")
    dasen = login_as(browser, browser_login, world.users.dasen1)
    dasen.goto(f"{url}/prevention/validation/")
    dasen.get_by_role("link", name="GIRARD Noé").click()
    decision = unfold(dasen, "decider", "Enregistrer la décision de l'IA-DASEN")
    decision.get_by_label("Décision").select_option(value="1")
    decision.get_by_role("button", name="Enregistrer la décision de l'IA-DASEN").click()
    expect(dasen.get_by_test_id("status")).to_have_text("Validé par l'IA-DASEN")

    # 5. The school starts the path and records an interim then the final bilan.
    page.goto(path_url)
    unfold(page, "demarrer", "Enregistrer le début du parcours").get_by_role("button").click()
    expect(page.get_by_test_id("status")).to_have_text("En cours")
    bilan = unfold(page, "bilan", "Ajouter un bilan")
    bilan.get_by_label("Type de bilan").select_option(value="etape")
    bilan.get_by_label("Atteinte des objectifs").fill("Assiduité retrouvée au collège.")
    bilan.get_by_role("button", name="Ajouter un bilan").click()
    bilan = unfold(page, "bilan", "Ajouter un bilan")
    bilan.get_by_label("Type de bilan").select_option(value="final")
    bilan.get_by_label("Atteinte des objectifs").fill("Objectifs atteints, projet de CAP.")
    bilan.get_by_label("Joindre le bilan final").select_option(value="1")
    bilan.get_by_role("button", name="Ajouter un bilan").click()
    expect(page.get_by_test_id("status")).to_contain_text("Terminé")
    expect(page.get_by_test_id("bilans")).to_contain_text("Joint au dossier d'affectation")
    path = Derogatoire.objects.get(student=pupil)
    assert path.status == "termine" and path.bilans.count() == 2
