"""Regulatory numbers of school prevention, each with the text that sets it."""

import datetime as dt

from rulebook.registry import Status, fixed, setting
from students.enums import Level
from students.rules import (
    COMPULSORY_INSTRUCTION_END_AGE,
    PAFI_MIN_AGE,
    age_on,
    birthday,
    period_end,
    school_year_of,
)

SECTION = "Prévention en établissement"

# PAFI: from 15 (seed 002 "si l'élève a atteint ses 15 ans"); a few weeks to one year at most,
# entry at any time (ac-lille PAFI page, domain §4.13).
PAFI_MIN_AGE = PAFI_MIN_AGE
PAFI_MAX_MONTHS = setting(
    "PREVENTION_PAFI_MAX_MONTHS",
    12,
    label="Durée maximale d'un PAFI",
    source="Pages académiques (ac-lille : « de quelques semaines à un an maximum »), "
    "domain.md §4.13",
    status=Status.LOCAL,
    section=SECTION,
    unit="mois",
    check=lambda v: 1 <= v <= 24,
)

# Parcours individualisé dérogatoire: pupils of 4e or 3e, priority to those reaching 16 (end of
# compulsory schooling) during the school year (seed 003; code de l'éducation L.332-3, D.332-6).
DEROGATOIRE_LEVELS = (Level.QUATRIEME, Level.TROISIEME)
DEROGATOIRE_PRIORITY_AGE = COMPULSORY_INSTRUCTION_END_AGE
fixed(
    "DEROGATOIRE_PRIORITY",
    "16 ans atteints entre la rentrée et la fin des cours",
    label="Parcours individualisé dérogatoire : élèves prioritaires (4e, 3e)",
    source="Circulaire du Maine-et-Loire du 14/09/2018 (seed 003) : élèves « qui atteindront "
    "l'âge de 16 ans, soit la limite légale de scolarité, au cours de l'année scolaire » ; "
    "code de l'éducation L.332-3, D.332-6",
    status=Status.LOCAL,
    section=SECTION,
    reading="Lecture retenue : le 16e anniversaire tombe entre la rentrée et la fin des cours "
    "de l'année scolaire du début prévu du parcours (bornes comprises, dates du calendrier "
    "scolaire). Un élève qui a déjà 16 ans à la rentrée, ou qui les atteint pendant l'été "
    "après la fin des cours, n'est pas prioritaire.",
)

# Unjustified absence: the head reports a pupil with at least four unjustified half-days in a
# month (code de l'éducation L.131-8); used as the default threshold of that signal.
UNJUSTIFIED_HALF_DAYS_LEGAL = fixed(
    "ABSENCE_UNJUSTIFIED_HALF_DAYS_LEGAL",
    4,
    label="Signalement de l'absentéisme : demi-journées d'absence non justifiées dans le mois",
    source="Code de l'éducation, art. L.131-8",
    section=SECTION,
    unit="demi-journées",
)


# Thresholds of the early-warning signals and delays of the paths: no text sets them
# (domain.md §4.13, §4.14, §4.8); the defaults are common practice, settable per académie.
EXPECTED_HALF_DAYS = setting(
    "PREVENTION_EXPECTED_HALF_DAYS",
    36,
    label="Demi-journées de classe attendues dans un mois, si le fichier n'en donne pas",
    source="9 demi-journées par semaine × 4 semaines",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="demi-journées",
    check=lambda v: v >= 1,
)
MIN_ATTENDANCE_RATE = setting(
    "PREVENTION_MIN_ATTENDANCE_RATE",
    0.90,
    label="Signal : assiduité du dernier mois inférieure à",
    source="Pratique des systèmes de repérage précoce (aucun texte)",
    status=Status.ASSUMPTION,
    section=SECTION,
    check=lambda v: 0 < v <= 1,
)
ATTENDANCE_DROP = setting(
    "PREVENTION_ATTENDANCE_DROP",
    0.10,
    label="Signal : baisse de l'assiduité d'un mois sur l'autre d'au moins",
    source="Pratique des systèmes de repérage précoce (aucun texte)",
    status=Status.ASSUMPTION,
    section=SECTION,
    check=lambda v: 0 < v <= 1,
)
UNJUSTIFIED_HALF_DAYS = setting(
    "PREVENTION_UNJUSTIFIED_HALF_DAYS",
    4,
    label="Signal : demi-journées d'absence non justifiées dans le mois",
    source="Code de l'éducation, art. L.131-8 (4 demi-journées)",
    status=Status.TEXT,
    section=SECTION,
    unit="demi-journées",
    check=lambda v: v >= 1,
)
INCIDENTS_PER_MONTH = setting(
    "PREVENTION_INCIDENTS_PER_MONTH",
    2,
    label="Signal : incidents dans le mois",
    source="Pratique des systèmes de repérage précoce (aucun texte)",
    status=Status.ASSUMPTION,
    section=SECTION,
    check=lambda v: v >= 1,
)
GRADE_DROP = setting(
    "PREVENTION_GRADE_DROP",
    2.0,
    label="Signal : baisse de la moyenne du trimestre d'au moins",
    source="Pratique des systèmes de repérage précoce (aucun texte)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="points sur 20",
    check=lambda v: v > 0,
)
PAFI_VALIDATOR_ROLE = setting(
    "PREVENTION_PAFI_VALIDATOR_ROLE",
    "ien_io",
    label="Qui valide un PAFI pour le département (ien_io ou ia_dasen)",
    source="Variable selon les académies (domain.md §4.13 et §10.8)",
    status=Status.UNCERTAIN,
    section=SECTION,
    check=lambda v: v in ("ien_io", "ia_dasen"),
)
TDO_MONTHS = setting(
    "PREVENTION_TDO_MONTHS",
    4,
    label="Durée d'un parcours Tous droits ouverts",
    source="Circulaire Grand Est du 23/04/2024 (seed 002) ; règle nationale non confirmée "
    "(domain.md §4.8)",
    status=Status.UNCERTAIN,
    section=SECTION,
    unit="mois",
    check=lambda v: 1 <= v <= 12,
)
VALIDATION_DAYS = setting(
    "PREVENTION_VALIDATION_DAYS",
    15,
    label="Parcours dérogatoire : délai de décision du département après la transmission",
    source="Seed 003 : validation par l'IA-DASEN (aucun délai fixé)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)
BILAN_INTERVAL_DAYS = setting(
    "PREVENTION_BILAN_INTERVAL_DAYS",
    42,
    label="Écart par défaut entre deux bilans d'étape d'un parcours",
    source="Seed 003 : « bilan d'étape » (aucune périodicité fixée)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)
ENDING_SOON_DAYS = setting(
    "PREVENTION_ENDING_SOON_DAYS",
    30,
    label="Tableau du référent : parcours finissant dans les",
    source="Aucun texte",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)


def school_year_end(day: dt.date) -> dt.date:
    """Last day of the school year containing `day` (31 August)."""
    return dt.date(school_year_of(day) + 1, 8, 31)


def reaches_16_during_school_year(
    birth_date: dt.date, day: dt.date, academie_id: int | None = None
) -> bool:
    """Seed 003's priority: the pupil "atteindra l'âge de 16 ans au cours de l'année scolaire".

    The 16th birthday falls between the rentrée and the end of classes (both included) of the
    school year running on `day` — or, in the summer, of the one about to start — with both
    dates from the académie's calendar.
    """
    from notifications import calendar

    year = calendar.school_year_running(academie_id, day)
    sixteenth = birthday(birth_date, DEROGATOIRE_PRIORITY_AGE)
    return (
        calendar.rentree(academie_id, year)
        <= sixteenth
        <= calendar.end_of_classes(academie_id, year)
    )


def pafi_latest_end(start: dt.date) -> dt.date:
    return period_end(start, PAFI_MAX_MONTHS())


def is_pafi_age_ok(birth_date: dt.date, start: dt.date) -> bool:
    return age_on(birth_date, start) >= PAFI_MIN_AGE
