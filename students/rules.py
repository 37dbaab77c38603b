"""Age thresholds set by the texts, in one place."""

import calendar
import datetime as dt

# Code de l'éducation L.131-1: instruction obligatoire until 16.
COMPULSORY_INSTRUCTION_END_AGE = 16
# Code de l'éducation L.114-1 (loi 2019-791): obligation de formation from 16 to 18.
OBLIGATION_FORMATION_END_AGE = 18
# Majority: letters go to the young person, no longer to the representatives.
MAJORITY_AGE = 18
# PAFI from 15 (seed 002); MLDS public 16 to 24 inclusive (seed 004).
PAFI_MIN_AGE = 15
MLDS_MIN_AGE = 16
MLDS_END_AGE = 25


def age_on(birth_date: dt.date, on: dt.date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def birthday(birth_date: dt.date, age: int) -> dt.date:
    """Date of the `age`-th birthday (29 February falls on 1 March in common years)."""
    year = birth_date.year + age
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clipped to the month's last day (31 Oct + 4 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, months: int) -> dt.date:
    """Last day of a period of `months` months starting on `start` (1 Sept + 4 → 31 Dec).

    Every "at most N months" of the texts (TDO, Ambition emploi, PAFI) counts this way.
    """
    return add_months(start, months) - dt.timedelta(days=1)


def school_year_of(day: dt.date) -> int:
    """The school year starting in September: 2025 stands for 2025-2026."""
    return day.year if day.month >= 9 else day.year - 1
