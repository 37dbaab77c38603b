"""Regulatory numbers of the MLDS work, each with the text that sets it.

Values marked [HYPOTHÈSE] are modelling choices (domain.md §4.15 and §8); they can be
changed in settings (see `mlds/conf.py`) and the pages say so in their help text.
"""

import datetime as dt

from students import rules as student_rules

# MLDS public: young people aged 16 to 24 inclusive (seed 004); follow-up ends at 25.
FOLLOW_UP_MIN_AGE = student_rules.MLDS_MIN_AGE  # 16
FOLLOW_UP_END_AGE = student_rules.MLDS_END_AGE  # 25
# Obligation de formation from 16 to the 18th birthday (code de l'éducation L.114-1).
OF_START_AGE = student_rules.COMPULSORY_INSTRUCTION_END_AGE  # 16
OF_END_AGE = student_rules.OBLIGATION_FORMATION_END_AGE  # 18
MAJORITY_AGE = student_rules.MAJORITY_AGE  # 18

# Seed 002: "une période de 4 mois pour consolider la transition", followed jointly with
# the partner. We use it for the joint follow-up window of every solution taken.
TRANSITION_WINDOW_MONTHS = 4

# Arrêté du 18 juillet 2023 (Parcours Ambition emploi), art. 2 and 3: from the rentrée,
# at most 4 months; PFMP at most two thirds of the length of the parcours.
AMBITION_EMPLOI_MAX_MONTHS = 4
AMBITION_EMPLOI_PFMP_MAX_NUMERATOR = 2
AMBITION_EMPLOI_PFMP_MAX_DENOMINATOR = 3
# [HYPOTHÈSE] domain.md §4.7: mid-way review two months after the start.
AMBITION_EMPLOI_BILAN_MONTHS = 2

# Droit au retour en formation initiale, code de l'éducation D.122-3-6 ff.
# (décrets 2014-1453 et 2014-1454): young people aged 16 to 25, interview within 15 days.
DROIT_RETOUR_MIN_AGE = 16
DROIT_RETOUR_MAX_AGE = 25
DROIT_RETOUR_INTERVIEW_DAYS = 15

# [HYPOTHÈSE] domain.md §4.15 sets no delay: first contact within 15 days of the signal,
# temps de bilan within 30 days of the first successful contact (see conf.py).
DEFAULT_CONTACT_DAYS = 15
DEFAULT_BILAN_DAYS = 30


add_months = student_rules.add_months


def ambition_emploi_latest_end(start: dt.date) -> dt.date:
    """Last allowed day of a parcours: 4 months counted from the start (1 Sept → 31 Dec)."""
    return student_rules.period_end(start, AMBITION_EMPLOI_MAX_MONTHS)


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from `start` to `end` inclusive (public holidays not removed)."""
    if end < start:
        return 0
    total = (end - start).days + 1
    full_weeks, rest = divmod(total, 7)
    days = full_weeks * 5
    for i in range(rest):
        if (start.weekday() + i) % 7 < 5:
            days += 1
    return days


def pfmp_max_days(start: dt.date, end: dt.date) -> int:
    """Most PFMP days allowed in a parcours running from `start` to `end` (two thirds)."""
    return (
        working_days(start, end)
        * AMBITION_EMPLOI_PFMP_MAX_NUMERATOR
        // AMBITION_EMPLOI_PFMP_MAX_DENOMINATOR
    )


def last_session_year(today: dt.date) -> int:
    """Year of the last exam session held (June): 2025 from July 2025 to June 2026."""
    return today.year if today.month >= 7 else today.year - 1


def default_rentree(school_year: int) -> dt.date:
    """First Monday on or after 1 September (2023: 4 Sept, 2024: 2 Sept, 2025: 1 Sept)."""
    first = dt.date(school_year, 9, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


age_on = student_rules.age_on
birthday = student_rules.birthday
school_year_of = student_rules.school_year_of
