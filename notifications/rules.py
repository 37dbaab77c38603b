"""Defaults of the school calendar and delays of the reminders (« Règles en vigueur »)."""

from typing import Any

from rulebook.registry import Rule, Status, setting

CALENDAR = "Calendrier scolaire"
REMINDERS = "Rappels et échéances"

DEFAULT_RENTREE = setting(
    "CALENDAR_DEFAULT_RENTREE",
    (9, 1),
    label="Rentrée appliquée quand le calendrier n'en donne pas : premier jour ouvré à partir du",
    source="Calendrier scolaire national (arrêté annuel) ; date à saisir dans le calendrier",
    status=Status.UNCERTAIN,
    section=CALENDAR,
    reading="Une date par défaut n'est jamais silencieuse : le tableau de bord de "
    "l'administrateur signale chaque date manquante du calendrier.",
)
DEFAULT_END_OF_CLASSES = setting(
    "CALENDAR_DEFAULT_END_OF_CLASSES",
    (7, 1),
    label="Fin des cours appliquée quand le calendrier n'en donne pas : premier samedi à partir du",
    source="Calendrier scolaire national (fin des cours : samedi 5 juillet 2025, samedi "
    "4 juillet 2026)",
    status=Status.UNCERTAIN,
    section=CALENDAR,
)
DEFAULT_RESULTS_DAY = setting(
    "CALENDAR_DEFAULT_RESULTS_DAY",
    (7, 4),
    label="Jour des résultats appliqué quand le calendrier n'en donne pas",
    source="domain.md §8 : vendredi 4 juillet 2025 (lundi 8 juillet en 2024)",
    status=Status.UNCERTAIN,
    section=CALENDAR,
)

AGE_NOTICE_DAYS = setting(
    "NOTIFICATIONS_AGE_NOTICE_DAYS",
    30,
    label="Les anniversaires (15, 16, 18, 25 ans) apparaissent dans les échéances",
    source="domain.md §4.9 et §4.15 (aucun délai fixé)",
    status=Status.ASSUMPTION,
    section=REMINDERS,
    unit="jours avant",
    check=lambda v: v >= 1,
)
SANS_SOLUTION_DAYS_BEFORE_RENTREE = setting(
    "NOTIFICATIONS_SANS_SOLUTION_DAYS_BEFORE_RENTREE",
    7,
    label="Repérage des élèves sans solution (si le calendrier n'en fixe pas la date)",
    source="domain.md §8 : la dernière semaine d'août",
    status=Status.ASSUMPTION,
    section=REMINDERS,
    unit="jours avant la rentrée",
    check=lambda v: v >= 0,
)
SCHOOL_HOLIDAYS_NON_WORKING = setting(
    "NOTIFICATIONS_SCHOOL_HOLIDAYS_NON_WORKING",
    True,
    label="Les vacances scolaires retiennent les courriels non urgents",
    source="domain.md §8 : éviter d'envoyer des rappels pendant les vacances",
    status=Status.ASSUMPTION,
    section=REMINDERS,
)
KIND_POLICIES: Rule[dict[str, Any]] = setting(
    "NOTIFICATIONS_KIND_POLICIES",
    {},
    label="Délais des rappels et de l'escalade, par type d'échéance (surcharges)",
    source="domain.md §8 : rappels et escalade (école → CIO → IEN-IO) sans délai fixé ; "
    "valeurs par défaut dans notifications/conf.py",
    status=Status.ASSUMPTION,
    section=REMINDERS,
    reading="Par défaut : entretien de situation rappelé 2 jours avant, escalade à 3 puis "
    "7 jours de retard ; décision de réinscription et information de la famille 5/10 ; "
    "sans solution 1/3 ; entretien du droit au retour 2/5 ; autres 7/14.",
    check=lambda v: isinstance(v, dict),
)
