"""« Règles en vigueur »: every regulatory number or assumption, with its value, default,
source and status, and whether it is a setting."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from dossiers import rules as dossier_rules
from mlds.services import check_follow_up_age
from rulebook import registry

from ..mlds.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
README = Path(settings.BASE_DIR) / "README.md"


def test_every_rule_has_a_label_a_source_and_a_status():
    rules = registry.all_rules()
    assert len(rules) > 40
    for rule in rules:
        assert rule.label and rule.source and rule.section, rule.name
        assert rule.status in registry.Status.values


def test_every_assumption_and_uncertain_value_is_a_setting():
    """domain.md marks [ASSUMPTION] and [UNCERTAIN] values: each can be changed in settings
    (except a sort order and a database-backed score scale, which say why)."""
    fixed = [
        r.name
        for r in registry.all_rules()
        if r.status in (registry.Status.ASSUMPTION, registry.Status.UNCERTAIN) and not r.is_setting
    ]
    assert sorted(fixed) == ["DOSSIERS_PRIORITY_ORDER", "FOQUALE_PROJECT_SCORE_MAX"]
    for name in fixed:
        assert "non réglable" in registry.get(name).reading.lower()


@pytest.mark.parametrize(
    "name",
    [
        "DOSSIERS_KEEP_SESSIONS",
        "MLDS_END_AGE",
        "DOSSIERS_RIGHT_GRACE_DAYS",
        "PREVENTION_TDO_MONTHS",
    ],
)
def test_the_values_named_by_the_issue_are_settings(name):
    assert registry.get(name).is_setting


def test_readme_rules_section_lists_every_rule():
    """The README's « Règles en vigueur » section names each rule (setting or not)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Règles en vigueur") :]
    section = section[: section.index("\n## ", 1)] if "\n## " in section[1:] else section
    missing = [r.name for r in registry.all_rules() if f"`{r.name}`" not in section]
    assert missing == []


@pytest.mark.parametrize("who", ["chef_a", "pilot", "admin", "mlds1", "foquale"])
def test_staff_and_administrators_read_the_page(world, client_for, who):
    page = client_for(getattr(world.users, who)).get("/regles/")
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert "Règles en vigueur" in html
    assert 'data-rule="DOSSIERS_KEEP_SESSIONS"' in html
    assert "Code de l'éducation, art. D.331-61" in html


def test_without_a_role_the_page_is_404(world, client_for, client):
    assert client_for(world.users.norole).get("/regles/").status_code == 404
    assert client.get("/regles/").status_code == 302  # login first


def row(html, name):
    match = re.search(rf'<tr data-rule="{name}">(.*?)</tr>', html, re.S)
    assert match, name
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))))


def test_page_shows_current_value_default_source_and_whether_it_is_a_setting(world, client_for):
    client = client_for(world.users.chef_a)
    html = client.get("/regles/").content.decode()
    keep = row(html, "DOSSIERS_KEEP_SESSIONS")
    assert "5 sessions 5 sessions" in keep and "oui : DOSSIERS_KEEP_SESSIONS" in keep
    assert "Texte national" in keep and "Eduscol" in keep
    age = row(html, "AGE_END_OF_COMPULSORY_INSTRUCTION")
    assert "L.131-1" in age and age.strip().endswith("non")
    decision = row(html, "DOSSIERS_DECISION_DAY")
    assert "15 juillet" in decision and "Hypothèse" in decision
    with override_settings(DOSSIERS_KEEP_SESSIONS=3, MLDS_END_AGE=26):
        html = client.get("/regles/").content.decode()
    assert "3 sessions modifiée 5 sessions" in row(html, "DOSSIERS_KEEP_SESSIONS")
    assert "26 ans modifiée 25 ans" in row(html, "MLDS_END_AGE")


@override_settings(DOSSIERS_KEEP_SESSIONS=3)
def test_the_keep_sessions_setting_changes_the_planner():
    """Eduscol: 5 sessions by default; an académie setting of 3 is applied at once."""
    rule = dossier_rules.DIPLOMA_RULES["cap"]
    args = {"rule": rule, "epreuve_code": "EP1", "mark": Decimal("12")}
    assert dossier_rules.is_keepable(**args, mark_session=2023, for_session=2026)[0]
    assert not dossier_rules.is_keepable(**args, mark_session=2022, for_session=2026)[0]
    assert "3 ans" in rule.explanation


def test_the_mlds_end_age_setting_changes_who_may_be_followed(world):
    """Seed 004: 16 to 24 inclusive (default: the follow-up ends at 25)."""
    turned_25 = YoungPersonFactory(birth_date=dt.date(2000, 5, 1))
    day = dt.date(2025, 10, 15)
    with pytest.raises(ValidationError, match="s'arrête à 25 ans"):
        check_follow_up_age(turned_25, day)
    with override_settings(MLDS_END_AGE=26):
        check_follow_up_age(turned_25, day)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DOSSIERS_KEEP_SESSIONS", "cinq"),
        ("MLDS_END_AGE", 99),
        ("DOSSIERS_DECISION_DAY", (2, 31)),
        ("PREVENTION_PAFI_VALIDATOR_ROLE", "recteur"),
        ("NOTIFICATIONS_SCHOOL_HOLIDAYS_NON_WORKING", "oui"),
    ],
)
def test_a_setting_of_the_wrong_type_fails_the_system_check(name, value):
    with override_settings(**{name: value}):
        errors = registry.check_settings()
    assert [e.id for e in errors] == ["rulebook.E001"]
    assert name in errors[0].msg


def test_the_system_check_passes_with_the_defaults():
    assert registry.check_settings() == []


@override_settings(MLDS_RENTREE_DATES={2025: "2025-09-01"})
def test_a_setting_replaced_by_the_calendar_is_flagged():
    """The rentrée now comes from the one school calendar: the old setting would be ignored."""
    [warning] = registry.check_settings()
    assert warning.id == "rulebook.W001" and "MLDS_RENTREE_DATES" in warning.msg
