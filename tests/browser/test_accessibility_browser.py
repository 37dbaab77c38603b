"""The login page starts the DSFR without a console error, and every skip link of a page lands
on an anchor the page has, signed out and signed in, on a desktop and a phone width."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _skip_link_targets(page) -> list[tuple[str, int]]:
    hrefs = page.locator(".fr-skiplinks a").evaluate_all("links => links.map(a => a.hash)")
    assert hrefs, "aucun lien d'évitement"
    return [(href, page.locator(href).count()) for href in hrefs]


@pytest.mark.parametrize("width", [1280, 390])
def test_login_page_has_no_console_error_and_its_skip_links_land(
    world, page, live_server, browser_login, width
):
    page.set_viewport_size({"width": width, "height": 900})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/compte/connexion/")
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert all(count == 1 for _href, count in _skip_link_targets(page)), _skip_link_targets(page)
    footer_link = page.get_by_role("link", name="Accessibilité : non conforme")
    footer_link.click()
    page.wait_for_url(f"{live_server.url}/accessibilite/")
    assert page.get_by_role("heading", level=1).inner_text() == "Déclaration d'accessibilité"

    browser_login(page, world.users.chef_a)
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    targets = dict(_skip_link_targets(page))
    assert targets.get("#fr-navigation") == 1 and all(n == 1 for n in targets.values())
    page.get_by_role("link", name="Contenu").focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")
    assert errors == []
