"""Flags computed in SQL from crafted monthly absences."""

import datetime as dt

import pytest
from django.test import override_settings

from prevention.enums import FlagReason
from prevention.models import Flag
from prevention.services import compute_flags

from .factories import AbsenceFactory, CollegienFactory

pytestmark = pytest.mark.django_db


def months(student, rows, **extra):
    """rows: list of (month, missed, unjustified[, incidents[, average]]) from September 2025."""
    for i, row in enumerate(rows):
        missed, unjust, *rest = row
        AbsenceFactory(
            student=student,
            month=dt.date(2025 + (8 + i) // 12, (8 + i) % 12 + 1, 1),
            half_days_missed=missed,
            half_days_unjustified=unjust,
            incidents=rest[0] if rest else None,
            term_average=rest[1] if len(rest) > 1 else None,
            **extra,
        )


def flags_of(student):
    return {f.reason: f for f in Flag.objects.filter(student=student)}


def test_attendance_below_90_percent_flags_since_the_start_of_the_run(world):
    s = CollegienFactory(current_school=world.school_a)
    # 36 expected half-days: 2 missed = 94 %, 6 missed = 83 %.
    months(s, [(6, 0), (1, 0), (5, 0), (6, 0), (8, 0)])
    compute_flags()
    flag = flags_of(s)[FlagReason.LOW_ATTENDANCE]
    assert flag.since == dt.date(2025, 11, 1)
    assert flag.latest_month == dt.date(2026, 1, 1)
    assert flag.value == pytest.approx(1 - 8 / 36)


def test_good_latest_month_clears_the_attendance_flag(world):
    s = CollegienFactory(current_school=world.school_a)
    months(s, [(10, 0), (10, 0), (1, 0)])
    compute_flags()
    assert FlagReason.LOW_ATTENDANCE not in flags_of(s)


def test_exactly_90_percent_is_not_flagged(world):
    s = CollegienFactory(current_school=world.school_a)
    AbsenceFactory(student=s, half_days_missed=4, expected_half_days=40)
    compute_flags()
    assert flags_of(s) == {}


def test_sharp_fall_month_over_month(world):
    s = CollegienFactory(current_school=world.school_a)
    months(s, [(0, 0), (3, 0)])  # 100 % then 91.7 %: fall of 8.3 points, below the 10 default
    t = CollegienFactory(current_school=world.school_a)
    months(t, [(0, 0), (4, 0)])  # 100 % then 88.9 %: fall of 11.1 points
    compute_flags()
    assert FlagReason.ATTENDANCE_DROP not in flags_of(s)
    drop = flags_of(t)[FlagReason.ATTENDANCE_DROP]
    assert drop.since == dt.date(2025, 10, 1)
    assert drop.value == pytest.approx(4 / 36)


def test_unjustified_incidents_and_grades(world):
    s = CollegienFactory(current_school=world.school_a)
    months(
        s,
        [(4, 4, 0, "12.50"), (4, 3, 2), (4, 4, 3, "9.00")],
    )
    compute_flags()
    flags = flags_of(s)
    assert flags[FlagReason.UNJUSTIFIED].since == dt.date(2025, 11, 1)
    assert flags[FlagReason.INCIDENTS].since == dt.date(2025, 10, 1)
    assert flags[FlagReason.GRADES_DROP].value == pytest.approx(3.5)
    assert flags[FlagReason.GRADES_DROP].since == dt.date(2025, 11, 1)


@override_settings(PREVENTION_MIN_ATTENDANCE_RATE=0.95, PREVENTION_EXPECTED_HALF_DAYS=40)
def test_thresholds_are_configurable(world):
    s = CollegienFactory(current_school=world.school_a)
    AbsenceFactory(student=s, half_days_missed=3)  # 92.5 % of 40
    compute_flags()
    assert flags_of(s)[FlagReason.LOW_ATTENDANCE].value == pytest.approx(0.925)


def test_recompute_is_scoped_to_the_schools_given(world):
    a = CollegienFactory(current_school=world.school_a)
    b = CollegienFactory(current_school=world.school_b)
    AbsenceFactory(student=a, half_days_missed=20)
    AbsenceFactory(student=b, half_days_missed=20)
    compute_flags(school_ids=[world.school_a.id])
    assert Flag.objects.filter(student=a).exists()
    assert not Flag.objects.filter(student=b).exists()
    a.absence_records.update(half_days_missed=0)
    compute_flags(school_ids=[world.school_a.id])
    assert not Flag.objects.filter(student=a).exists()
