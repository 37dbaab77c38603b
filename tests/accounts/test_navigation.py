"""The main menu marks the page the user is on, once, and groups the administrator's."""

import html
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def nav(html):
    start = html.index('id="fr-navigation"')
    return html[start : html.index("</nav>", start)]


def current_labels(html):
    return re.findall(r'aria-current="page">([^<]+)<', nav(html))


@pytest.mark.parametrize(
    ("user", "url", "label"),
    [
        ("chef_a", "/", "Tableau de bord"),
        ("chef_a", "/reprepa/", "Re-préparation"),
        ("chef_a", "/prevention/signaux/", "Prévention"),
        ("chef_a", "/notifications/", "Rappels"),
        ("cio1", "/reprepa/", "Re-préparation"),
        ("cio1", "/reprepa/cio/", "Suivi CIO"),
        ("commission1", "/reprepa/commission/", "Commission d'affectation"),
        ("mlds1", "/reprepa/sans-solution/", "Sans solution à la rentrée"),
        ("foquale", "/foquale/", "Réseaux FoQualE"),
        ("foquale", "/foquale/appels/", "Appels à projets"),
        ("pilot", "/indicateurs/", "Indicateurs"),
        ("admin", "/tracabilite/consultations/", "Traçabilité"),
        ("admin", "/notifications/operations/", "Envois des rappels"),
        ("admin", "/notifications/", "Rappels"),
        ("admin", "/compte/comptes/", "Comptes des agents"),
    ],
)
def test_exactly_the_current_entry_is_marked(world, client_for, user, url, label):
    response = client_for(getattr(world.users, user)).get(url)
    assert response.status_code == 200
    assert [html.unescape(x) for x in current_labels(response.text)] == [label]


def test_the_administrators_long_menu_is_grouped_in_sub_menus(world, client_for):
    html = client_for(world.users.admin).get(reverse("audit:access_log")).text
    menu = nav(html)
    buttons = re.findall(r'<button class="fr-nav__btn"[^>]*>([^<]+)<', menu)
    assert buttons == ["Élèves et dossiers", "Territoire et pilotage", "Administration"]
    assert re.search(r'aria-current="true">Administration<', menu)
    # The pilot's short menu stays flat.
    flat = nav(client_for(world.users.pilot).get("/").text)
    assert "fr-nav__btn" not in flat and flat.count("fr-nav__link") <= 8


def menu_links(html_text):
    return [
        html.unescape(label).strip()
        for label in re.findall(r'class="fr-nav__link"[^>]*>([^<]+)<', nav(html_text))
    ]


COMMON = ["Établissements", "Réseaux FoQualE", "Appels à projets", "Indicateurs"]
RULES = "Règles en vigueur"


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (
            "chef_a",
            ["Tableau de bord", "Élèves", "Sorties sans solution", "Re-préparation"]
            + ["Prévention", "Suivis MLDS", "Rappels", *COMMON, RULES],
        ),
        (
            "cio1",
            ["Tableau de bord", "Élèves", "Re-préparation", "Suivi CIO", "Prévention"]
            + ["Suivis MLDS", "Rappels", *COMMON, RULES],
        ),
        (
            "commission1",
            ["Tableau de bord", "Élèves", "Re-préparation", "Commission d'affectation"]
            + ["Rappels", *COMMON, RULES],
        ),
        (
            "ienio1",
            ["Tableau de bord", "Élèves", "Re-préparation", "Commission d'affectation"]
            + ["Validations des parcours", "Suivis MLDS", "Rappels", *COMMON, RULES],
        ),
        (
            "dasen1",
            ["Tableau de bord", "Élèves", "Sorties sans solution", "Re-préparation"]
            + ["Commission d'affectation", "Validations des parcours", "Suivis MLDS"]
            + ["Rappels", *COMMON, RULES],
        ),
        (
            "mlds1",
            ["Tableau de bord", "Élèves", "Sorties sans solution"]
            + ["Sans solution à la rentrée", "Suivis MLDS", "Rappels", *COMMON, RULES],
        ),
        ("foquale", ["Tableau de bord", "Élèves", "Rappels", *COMMON, RULES]),
        ("pilot", ["Tableau de bord", *COMMON, RULES]),
        (
            "admin",
            ["Tableau de bord", "Élèves", "Sorties sans solution", "Re-préparation"]
            + ["Commission d'affectation", "Prévention", "Suivis MLDS", "Rappels"]
            + [*COMMON, RULES, "Comptes des agents", "Traçabilité", "Envois des rappels"],
        ),
    ],
)
def test_each_role_sees_its_menu_entries(world, client_for, user, expected):
    """The entries follow the role groups of accounts.roles, one list per role."""
    response = client_for(getattr(world.users, user)).get("/")
    assert response.status_code == 200
    assert menu_links(response.text) == expected
