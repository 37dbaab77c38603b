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

from ..notifications.factories import school_year
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


@pytest.fixture
def calendar_2025(world):
    """National calendar: rentrée Monday 1 September 2025, end of classes Saturday 4 July
    2026; 2026-2027 from Tuesday 1 September 2026."""
    school_year(2025, rentree=dt.date(2025, 9, 1), end_of_classes=dt.date(2026, 7, 4))
    school_year(2026, rentree=dt.date(2026, 9, 1), end_of_classes=dt.date(2027, 7, 3))
    return world.academie.pk


@pytest.mark.parametrize(
    ("birth_date", "priority"),
    [
        (dt.date(2009, 8, 31), False),  # 16 on the eve of the rentrée: already 16
        (dt.date(2009, 9, 1), True),  # 16 on the rentrée
        (dt.date(2009, 9, 2), True),  # the day after
        (dt.date(2010, 1, 20), True),  # in the middle of the year
        (dt.date(2010, 7, 4), True),  # 16 on the last day of classes
        (dt.date(2010, 7, 5), False),  # the day after the end of classes: summer
        (dt.date(2010, 8, 31), False),  # 16 in the summer holidays
        (dt.date(2008, 1, 1), False),  # already 17
    ],
)
@pytest.mark.parametrize("on", [dt.date(2025, 8, 15), dt.date(2025, 10, 1), dt.date(2026, 7, 4)])
def test_derogatoire_priority_turns_16_between_rentree_and_end_of_classes_seed_003(
    calendar_2025, birth_date, priority, on
):
    """Seed 003 (Maine-et-Loire, 14/09/2018): priority to pupils "qui atteindront l'âge de
    16 ans ... au cours de l'année scolaire" — between the rentrée and the end of classes of
    the calendar. In August, the school year about to start is meant."""
    assert rules.reaches_16_during_school_year(birth_date, on, calendar_2025) is priority


def test_after_the_end_of_classes_the_coming_school_year_counts_seed_003(calendar_2025):
    """From the day after the end of classes, a path is for the next school year."""
    on = dt.date(2026, 7, 5)
    assert not rules.reaches_16_during_school_year(dt.date(2010, 1, 20), on, calendar_2025)
    assert rules.reaches_16_during_school_year(dt.date(2010, 9, 1), on, calendar_2025)


def test_derogatoire_priority_follows_the_academie_calendar_seed_003(world, calendar_2025):
    """One calendar: an académie whose rentrée is on 2 September moves the boundary."""
    school_year(
        2025,
        academie=world.academie,
        rentree=dt.date(2025, 9, 2),
        end_of_classes=dt.date(2026, 7, 4),
    )
    on = dt.date(2025, 10, 1)
    assert not rules.reaches_16_during_school_year(dt.date(2009, 9, 1), on, calendar_2025)
    assert rules.reaches_16_during_school_year(dt.date(2009, 9, 2), on, calendar_2025)
    # Another académie keeps the national date.
    assert rules.reaches_16_during_school_year(dt.date(2009, 9, 1), on, None)


def test_derogatoire_badge_on_the_path_and_the_student_page(world, calendar_2025, client_for):
    summer = CollegienFactory(
        current_school=world.school_a, level=Level.TROISIEME, birth_date=dt.date(2010, 7, 20)
    )
    in_year = CollegienFactory(
        current_school=world.school_a, level=Level.TROISIEME, birth_date=dt.date(2010, 3, 2)
    )
    paths = {
        s.pk: services.open_derogatoire(
            student=s,
            planned_start=dt.date(2025, 11, 17),
            planned_end=dt.date(2026, 6, 30),
            exempted_teachings="LV2",
            alternation="LP",
            by=None,
        )
        for s in (summer, in_year)
    }
    assert not paths[summer.pk].is_priority and paths[in_year.pk].is_priority
    client = client_for(world.users.chef_a)
    with time_machine.travel(dt.datetime(2025, 10, 1, 10), tick=False):
        page = client.get(paths[in_year.pk].get_absolute_url()).content.decode()
        assert "Prioritaire : atteint 16 ans pendant l'année scolaire" in page
        page = client.get(paths[summer.pk].get_absolute_url()).content.decode()
        assert "Prioritaire" not in page


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
