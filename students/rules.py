"""Age thresholds set by the texts, in one place."""

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


def school_year_of(day: dt.date) -> int:
    """The school year starting in September: 2025 stands for 2025-2026."""
    return day.year if day.month >= 9 else day.year - 1
