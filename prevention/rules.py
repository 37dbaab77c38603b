"""Regulatory numbers of school prevention, each with the text that sets it."""

import datetime as dt

from students.enums import Level
from students.rules import (
    COMPULSORY_INSTRUCTION_END_AGE,
    PAFI_MIN_AGE,
    age_on,
    birthday,
    period_end,
    school_year_of,
)

# PAFI: from 15 (seed 002 "si l'élève a atteint ses 15 ans"); a few weeks to one year at most,
# entry at any time (ac-lille PAFI page, domain §4.13).
PAFI_MIN_AGE = PAFI_MIN_AGE
PAFI_MAX_MONTHS = 12

# Parcours individualisé dérogatoire: pupils of 4e or 3e, priority to those reaching 16 (end of
# compulsory schooling) during the school year (seed 003; code de l'éducation L.332-3, D.332-6).
DEROGATOIRE_LEVELS = (Level.QUATRIEME, Level.TROISIEME)
DEROGATOIRE_PRIORITY_AGE = COMPULSORY_INSTRUCTION_END_AGE

# Unjustified absence: the head reports a pupil with at least four unjustified half-days in a
# month (code de l'éducation L.131-8); used as the default threshold of that signal.
UNJUSTIFIED_HALF_DAYS_LEGAL = 4


def school_year_end(day: dt.date) -> dt.date:
    """Last day of the school year containing `day` (31 August)."""
    return dt.date(school_year_of(day) + 1, 8, 31)


def reaches_16_during_school_year(birth_date: dt.date, day: dt.date) -> bool:
    """Seed 003's priority: the 16th birthday falls on or before the end of this school year."""
    sixteenth = birthday(birth_date, DEROGATOIRE_PRIORITY_AGE)
    return sixteenth <= school_year_end(day) and age_on(birth_date, day) < 17


def pafi_latest_end(start: dt.date) -> dt.date:
    return period_end(start, PAFI_MAX_MONTHS)


def is_pafi_age_ok(birth_date: dt.date, start: dt.date) -> bool:
    return age_on(birth_date, start) >= PAFI_MIN_AGE
