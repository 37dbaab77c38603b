"""The school head's morning: what is late comes first, the lists read well, the pupil's record
leads to the pupil's cases, and the menu says where one is."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from notifications.services import run_daily_sweep
from students.enums import AgeEvent

from ..dossiers.factories import DossierFactory
from ..notifications.factories import DeadlineFactory
from ..students.factories import StudentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_head_reads_the_next_step_first(world, browser, browser_login, live_server):
    today = dt.date.today()
    late = DossierFactory(student__current_school=world.school_a, student__last_name="Retard")
    DossierFactory(student__current_school=world.school_a, student__last_name="Suivant")
    birthday = StudentFactory(current_school=world.school_a, last_name="Anniv")
    DeadlineFactory(
        subject=birthday,
        kind=AgeEvent.AGE_16,
        label=f"{birthday} a 16 ans",
        due_date=today,
    )
    DeadlineFactory(
        subject=late.student,
        label=f"Entretien de situation — {late.student}",
        due_date=today - dt.timedelta(days=3),
    )
    soon = StudentFactory(current_school=world.school_a, last_name="Bientot")
    DeadlineFactory(
        subject=soon, label=f"Entretien de situation — {soon}", due_date=today + dt.timedelta(2)
    )
    run_daily_sweep(today=today)
    url = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    browser_login(page, world.users.chef_a)

    # Home: the deadlines panel comes first, without repeating the kind after the label.
    main = page.locator("main")
    first_panel = main.locator("section").first
    expect(first_panel).to_contain_text("Échéances de votre périmètre")
    urgent = page.get_by_test_id("urgent-deadlines")
    expect(urgent).to_contain_text(f"Entretien de situation — {late.student} — en retard")
    expect(urgent).not_to_contain_text("ANNIV")

    # Inbox: late, then soon, then information apart.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "button", name="Élèves et dossiers"
    ).click()
    page.get_by_role("link", name="Rappels", exact=True).click()
    headings = page.get_by_test_id("inbox-group").all_text_contents()
    assert [h.split(" (")[0] for h in headings] == [
        "En retard",
        "À faire prochainement",
        "Pour information : anniversaires et alertes",
    ]
    text = main.text_content()
    assert text.index("RETARD") < text.index("BIENTOT") < text.index("ANNIV")
    # A birthday is not due: its badge says "Information", not "Échéance proche".
    items = page.get_by_test_id("inbox-item")
    expect(items.filter(has_text="ANNIV").get_by_test_id("stage")).to_have_text("Information")
    expect(items.filter(has_text="BIENTOT").get_by_test_id("stage")).to_have_text("Échéance proche")
    expect(items.filter(has_text="RETARD").get_by_test_id("stage")).to_have_text(
        "Échéance dépassée"
    )
    # On a phone the same order holds, each obligation named once per line.
    page.set_viewport_size({"width": 390, "height": 900})
    expect(page.get_by_test_id("inbox-group").first).to_be_visible()
    assert [h.split(" (")[0] for h in page.get_by_test_id("inbox-group").all_inner_texts()] == [
        "En retard",
        "À faire prochainement",
        "Pour information : anniversaires et alertes",
    ]
    late_line = items.filter(has_text="RETARD").get_by_role("link").inner_text()
    assert late_line.count("Entretien de situation") == 1, late_line
    page.set_viewport_size({"width": 1280, "height": 900})
    current = page.locator("#fr-navigation [aria-current='page']")
    expect(current).to_have_text("Rappels")

    # Re-preparation list: one school, so no school column; a search by name.
    page.goto(f"{url}/reprepa/")
    expect(page.locator("#fr-navigation [aria-current='page']")).to_have_text("Re-préparation")
    expect(page.get_by_role("columnheader", name="Établissement")).to_have_count(0)
    page.get_by_role("textbox", name="Élève").fill("suiv")
    page.get_by_role("button", name="Filtrer").click()
    rows = page.get_by_test_id("dossier-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("SUIVANT")

    # The pupil's record links to the dossier.
    page.goto(f"{url}/eleves/{late.student.public_id}/")
    cases = page.get_by_test_id("student-cases")
    cases.get_by_role("link", name="Re-préparation").first.click()
    expect(page).to_have_url(f"{url}/reprepa/{late.public_id}/")
