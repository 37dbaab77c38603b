"""Eligibility and date rules (seeds 002, 003; domain §4.8, §4.13, §4.14)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from prevention import rules, services
from prevention.models import Pafi, Tdo
from students import rules as student_rules
from students.enums import Level

from .factories import CollegienFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2025, 10, 31), dt.date(2026, 2, 28)),
        (dt.date(2025, 11, 17), dt.date(2026, 3, 17)),
        (dt.date(2024, 10, 31), dt.date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(start, end):
    assert student_rules.add_months(start, 4) == end


def test_priority_for_pupils_reaching_16_during_the_school_year():
    on = dt.date(2025, 10, 1)
    assert rules.reaches_16_during_school_year(dt.date(2010, 8, 31), on)
    assert not rules.reaches_16_during_school_year(dt.date(2010, 9, 1), on)
    assert not rules.reaches_16_during_school_year(dt.date(2008, 1, 1), on)  # already 17


def open_pafi(student, start, end):
    return services.open_pafi(
        student=student,
        planned_start=start,
        planned_end=end,
        objectives="Remobilisation",
        activities="Service civique",
        by=None,
    )


def test_pafi_requires_15_at_the_start(world):
    s = CollegienFactory(current_school=world.school_a, birth_date=dt.date(2011, 3, 10))
    with pytest.raises(ValidationError, match="au moins 15 ans au début du parcours"):
        open_pafi(s, dt.date(2026, 3, 9), dt.date(2026, 6, 30))
    assert not Pafi.objects.exists()
    pafi = open_pafi(s, dt.date(2026, 3, 10), dt.date(2026, 6, 30))
    assert pafi.status == "projet"


def test_pafi_lasts_one_year_at_most(world):
    s = CollegienFactory(current_school=world.school_a)
    with pytest.raises(ValidationError, match="au plus 12 mois.*16/11/2026"):
        open_pafi(s, dt.date(2025, 11, 17), dt.date(2026, 11, 17))
    assert open_pafi(s, dt.date(2025, 11, 17), dt.date(2026, 11, 16))


def test_pafi_actual_start_is_checked_again(world):
    s = CollegienFactory(current_school=world.school_a, birth_date=dt.date(2010, 11, 1))
    pafi = open_pafi(s, dt.date(2025, 11, 17), dt.date(2026, 6, 30))
    pafi.status = "valide"
    with pytest.raises(ValidationError, match="au moins 15 ans"):
        pafi.start(by=None, started_on=dt.date(2025, 10, 1))
    older = CollegienFactory(current_school=world.school_a, birth_date=dt.date(2009, 1, 1))
    pafi = open_pafi(older, dt.date(2025, 11, 17), dt.date(2026, 6, 30))
    pafi.status = "valide"
    with pytest.raises(ValidationError, match="au plus 12 mois"):
        pafi.start(by=None, started_on=dt.date(2025, 6, 1))


def test_derogatoire_only_in_4e_or_3e(world):
    s = CollegienFactory(current_school=world.school_a, level=Level.SECONDE_PRO)
    with pytest.raises(ValidationError, match="4e ou de 3e.*Seconde professionnelle"):
        services.open_derogatoire(
            student=s,
            planned_start=dt.date(2025, 11, 17),
            planned_end=dt.date(2026, 6, 30),
            exempted_teachings="LV2",
            alternation="LP",
            by=None,
        )
    s.level = Level.TROISIEME
    path = services.open_derogatoire(
        student=s,
        planned_start=dt.date(2025, 11, 17),
        planned_end=dt.date(2026, 6, 30),
        exempted_teachings="LV2",
        alternation="LP",
        by=None,
    )
    assert path.level == "3E" and path.is_priority


def test_tdo_end_is_start_plus_four_months_and_configurable(world):
    with time_machine.travel(dt.date(2025, 11, 3), tick=False):
        tdo = services.offer_tdo(
            student=CollegienFactory(current_school=world.school_a),
            proposed_on=dt.date(2025, 11, 3),
            by=None,
        )
        tdo.answer(by=None, accepted=True, answered_on=dt.date(2025, 11, 4))
        with pytest.raises(ValidationError, match="ne peut précéder l'acceptation"):
            tdo.start(
                by=None, partner_kind="e2c", partner_name="E2C", start_date=dt.date(2025, 11, 1)
            )
        tdo.start(
            by=None, partner_kind="e2c", partner_name="E2C Melun", start_date=dt.date(2025, 11, 30)
        )
    assert tdo.end_date == dt.date(2026, 3, 29)
    assert tdo.follow_up_until == dt.date(2025, 12, 30)
    with override_settings(PREVENTION_TDO_MONTHS=6):
        assert Tdo.end_for(dt.date(2025, 11, 30)) == dt.date(2026, 5, 29)
