"""Regulatory numbers of the MLDS work, each with the text that sets it.

Values an académie may change (every [ASSUMPTION] of domain.md §4.15 and §8) are settings,
read at call time; all are listed on « Règles en vigueur ».
"""

import datetime as dt

from rulebook.registry import Status, fixed, setting
from students import rules as student_rules

SECTION = "MLDS, Parcours Ambition emploi, droit au retour"

# MLDS public: young people aged 16 to 24 inclusive (seed 004); follow-up ends at 25 (a
# setting: call FOLLOW_UP_END_AGE()).
FOLLOW_UP_MIN_AGE = student_rules.MLDS_MIN_AGE  # 16
FOLLOW_UP_END_AGE = student_rules.MLDS_END_AGE
# Obligation de formation from 16 to the 18th birthday (code de l'éducation L.114-1).
OF_START_AGE = student_rules.COMPULSORY_INSTRUCTION_END_AGE  # 16
OF_END_AGE = student_rules.OBLIGATION_FORMATION_END_AGE  # 18
MAJORITY_AGE = student_rules.MAJORITY_AGE  # 18

TRANSITION_WINDOW_MONTHS = setting(
    "MLDS_TRANSITION_WINDOW_MONTHS",
    4,
    label="Fenêtre de suivi conjoint de la transition après l'entrée en solution",
    source="Circulaire Grand Est du 23/04/2024 (seed 002) : « une période de 4 mois pour "
    "consolider la transition »",
    status=Status.LOCAL,
    section=SECTION,
    unit="mois",
    check=lambda v: 1 <= v <= 24,
)

AMBITION_EMPLOI_MAX_MONTHS = fixed(
    "AMBITION_EMPLOI_MAX_MONTHS",
    4,
    label="Durée maximale d'un Parcours Ambition emploi",
    source="Arrêté du 18 juillet 2023, art. 3",
    section=SECTION,
    unit="mois",
)
AMBITION_EMPLOI_PFMP_MAX_NUMERATOR = 2
AMBITION_EMPLOI_PFMP_MAX_DENOMINATOR = 3
fixed(
    "AMBITION_EMPLOI_PFMP_MAX_SHARE",
    "2/3",
    label="Part maximale des PFMP dans la durée d'un Parcours Ambition emploi (jours ouvrés)",
    source="Arrêté du 18 juillet 2023, art. 3",
    section=SECTION,
)
fixed(
    "AMBITION_EMPLOI_START",
    "rentrée qui suit la dernière session",
    label="Début d'un Parcours Ambition emploi",
    source="Arrêté du 18 juillet 2023, art. 2 et 3 : cycle achevé « lors de la dernière "
    "session », parcours qui « débute à partir de la rentrée scolaire »",
    section=SECTION,
    reading="Lecture retenue : le parcours commence entre la rentrée qui suit la session du "
    "cycle achevé et la fin des cours de cette année scolaire (dates du calendrier "
    "scolaire) ; un an plus tard, ce n'est plus la même offre.",
)
AMBITION_EMPLOI_BILAN_MONTHS = setting(
    "MLDS_AMBITION_EMPLOI_BILAN_MONTHS",
    2,
    label="Bilan à mi-parcours du Parcours Ambition emploi, après le début",
    source="domain.md §4.7 (rappels à M+2, M+3)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="mois",
    check=lambda v: 1 <= v <= 4,
)

DROIT_RETOUR_MIN_AGE = fixed(
    "DROIT_RETOUR_MIN_AGE",
    16,
    label="Droit au retour en formation : âge minimal",
    source="Code de l'éducation, art. D.122-3-6 (décret 2014-1453)",
    section=SECTION,
    unit="ans",
)
DROIT_RETOUR_MAX_AGE = fixed(
    "DROIT_RETOUR_MAX_AGE",
    25,
    label="Droit au retour en formation : âge maximal (25 ans révolus)",
    source="Code de l'éducation, art. D.122-3-6 (décret 2014-1453)",
    section=SECTION,
    unit="ans",
)
DROIT_RETOUR_INTERVIEW_DAYS = fixed(
    "DROIT_RETOUR_INTERVIEW_DAYS",
    15,
    label="Droit au retour en formation : entretien dans les",
    source="Décret 2014-1453 du 5 décembre 2014",
    section=SECTION,
    unit="jours",
)
fixed(
    "DROIT_RETOUR_DIPLOMA",
    "aucun diplôme, ou seulement le DNB ou le CFG",
    label="Droit au retour en formation : diplôme le plus élevé admis",
    source="Décret 2014-1453 du 5 décembre 2014 (code de l'éducation D.122-3-6) ; domain.md §4.11",
    section=SECTION,
    reading="Un diplôme obtenu que l'application connaît (résultat « admis » à un CAP, "
    "baccalauréat, BT ou BTS) l'emporte sur le diplôme déclaré. Les bacheliers généraux ou "
    "technologiques sans qualification professionnelle relèvent d'un autre texte (décret "
    "2014-1454) et ne sont pas enregistrés ici.",
)

# domain.md §4.15 sets no delay: first contact within 15 days of the signal, temps de bilan
# within 30 days of the first successful contact.
CONTACT_DAYS = setting(
    "MLDS_CONTACT_DAYS",
    15,
    label="Premier contact MLDS après le signalement",
    source="domain.md §4.15 (aucun délai fixé par les textes)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)
BILAN_DAYS = setting(
    "MLDS_BILAN_DAYS",
    30,
    label="Temps de bilan MLDS après le premier contact réussi",
    source="domain.md §4.15 (aucun délai fixé par les textes)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)


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


def last_session_year(today: dt.date, academie_id: int | None = None) -> int:
    """The last exam session whose results are out (the calendar's results day)."""
    from notifications import calendar

    return calendar.last_session_year(academie_id, today)


def ambition_emploi_start_window(
    session_year: int, academie_id: int | None
) -> tuple[dt.date, dt.date]:
    """First and last day a parcours may start for a cycle completed at `session_year`.

    Arrêté du 18 juillet 2023: the parcours "débute à partir de la rentrée scolaire" that
    follows the last session; we read "the same offer" as a start within that school year,
    up to its end of classes (both dates from the académie's calendar).
    """
    from notifications import calendar

    return (
        calendar.rentree(academie_id, session_year),
        calendar.end_of_classes(academie_id, session_year),
    )


age_on = student_rules.age_on
birthday = student_rules.birthday
school_year_of = student_rules.school_year_of
