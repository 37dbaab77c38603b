"""Retention of personal data (domain.md §7, proposed policy [ASSUMPTION], to validate with
the rectorat's DPO): a young person's record stays active while they are enrolled or a case
has a deadline; after RETENTION_YEARS without any activity it is anonymised, after a warning
period during which staff can see the planned date. Aggregates are kept.
"""

from rulebook.registry import Status, setting

SECTION = "Données personnelles"

RETENTION_YEARS = setting(
    "RETENTION_YEARS",
    2,
    label="Anonymisation d'un jeune sans inscription ni dossier actif depuis",
    source="domain.md §7 : politique proposée, à valider avec le délégué à la protection des "
    "données du rectorat (CNIL, durées de conservation)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="ans",
    check=lambda v: v >= 1,
)
RETENTION_WARNING_DAYS = setting(
    "RETENTION_WARNING_DAYS",
    30,
    label="Préavis avant l'anonymisation",
    source="domain.md §7 (les emplois de l'inclusion : avertissement 30 jours avant)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 0,
)
ANONYMISED_NAME = "ANONYME"
