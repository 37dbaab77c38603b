"""The accessibility statement (décret 2019-768): public, linked from every page's footer, with
the legal state a service without an audit must declare."""

import pytest
from django.urls import reverse

from ..reports.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_statement_is_public_and_says_what_the_law_asks(client, settings):
    settings.ACCESSIBILITY_CONTACT = "a11y@ac-test.example"
    response = client.get("/accessibilite/")
    assert response.status_code == 200
    text = response.text
    assert "<strong>non conforme</strong>" in text and "RGAA" in text and "4.1" in text
    assert "aucun audit" in text.lower()
    assert "1<sup>er</sup> décembre 2026" in text
    assert "Contenus non accessibles" in text
    assert "mailto:a11y@ac-test.example" in text
    assert "Défenseur des droits" in text and "Libre réponse 71120" in text
    assert "partiellement conforme" not in text


def test_every_page_links_to_it_from_the_footer(world, client, client_for):
    link = f'href="{reverse("accessibility")}" data-testid="accessibility-link">'
    link += "Accessibilité : non conforme</a>"
    assert link in client.get("/compte/connexion/").text
    assert link in client_for(world.users.chef_a).get("/").text
    assert link in client.get("/page-qui-n-existe-pas/").text


def test_signed_out_pages_offer_no_skip_link_to_a_missing_menu(world, client, client_for):
    login = client.get("/compte/connexion/").text
    assert 'href="#fr-navigation"' not in login and 'href="#footer"' in login
    assert 'id="fr-menu-mobile"' in login  # the DSFR copies the tool links into it
    home = client_for(world.users.chef_a).get("/").text
    assert 'href="#fr-navigation"' in home and 'id="fr-navigation"' in home


def test_bar_tables_scroll_with_the_keyboard(world, client_for):
    EnrolmentFactory(student__current_school=world.school_a, school=world.school_a, abandon=True)
    page = client_for(world.users.pilot).get("/indicateurs/").text
    assert '<table tabindex="0">' in page


def test_caseload_filters_are_links_without_a_pressed_state(world, client_for):
    page = client_for(world.users.mlds1).get("/mlds/").text
    assert 'aria-current="page"' in page and "aria-pressed" not in page
