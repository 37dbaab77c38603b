"""Age thresholds set by the texts, in one place (listed on « Règles en vigueur »)."""

import calendar
import datetime as dt

from rulebook.registry import Status, fixed, setting

SECTION = "Âges"

COMPULSORY_INSTRUCTION_END_AGE = fixed(
    "AGE_END_OF_COMPULSORY_INSTRUCTION",
    16,
    label="Fin de l'instruction obligatoire",
    source="Code de l'éducation, art. L.131-1",
    section=SECTION,
    unit="ans",
)
OBLIGATION_FORMATION_END_AGE = fixed(
    "AGE_END_OF_OBLIGATION_FORMATION",
    18,
    label="Fin de l'obligation de formation (elle court de 16 à 18 ans)",
    source="Code de l'éducation, art. L.114-1 (loi 2019-791, art. 15)",
    section=SECTION,
    unit="ans",
)
MAJORITY_AGE = fixed(
    "AGE_MAJORITY",
    18,
    label="Majorité : les courriers vont au jeune et non plus aux représentants légaux",
    source="Code civil, art. 414",
    section=SECTION,
    unit="ans",
)
PAFI_MIN_AGE = fixed(
    "AGE_PAFI_MIN",
    15,
    label="Âge minimal d'un parcours aménagé de formation initiale (PAFI)",
    source="Circulaire Grand Est du 23/04/2024 (seed 002) : « si l'élève a atteint ses 15 ans »",
    section=SECTION,
    status=Status.LOCAL,
    unit="ans",
)
MLDS_MIN_AGE = fixed(
    "AGE_MLDS_MIN",
    16,
    label="Âge minimal d'un suivi MLDS",
    source="Circulaire de Poitiers du 29/09/2014 (seed 004) : jeunes de 16 à 24 ans",
    section=SECTION,
    status=Status.LOCAL,
    unit="ans",
)
MLDS_END_AGE = setting(
    "MLDS_END_AGE",
    25,
    label="Âge auquel le suivi MLDS se clôt ou passe la main",
    source="Seed 004 : public de 16 à 24 ans inclus ; clôture au 25e anniversaire "
    "(domain.md §4.15)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="ans",
    check=lambda v: 18 <= v <= 30,
)


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
