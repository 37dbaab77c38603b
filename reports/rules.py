"""Regulatory numbers behind the indicators, with the text that sets them."""

from mlds.rules import AMBITION_EMPLOI_MAX_MONTHS
from rulebook.registry import Status, fixed, setting
from students.rules import COMPULSORY_INSTRUCTION_END_AGE

SECTION = "Indicateurs"

# SIEI (domain.md §4.10) and the working definition of a décrocheur (§4.17): a young person
# aged 16 or more who left initial training without a level 3 (CAP) or level 4 (bac) diploma.
DROPOUT_MIN_AGE = COMPULSORY_INSTRUCTION_END_AGE

# Exit reasons (students.enums.ExitReason values) that mean leaving during the cycle, hence
# without its diploma: abandon, job, other, end of studies without activity (SIECLE motifs
# 32/35/39), unrecorded.
DROPOUT_EXIT_REASONS = ("abandon", "emploi", "autre", "fin_etudes", "")
# Leaving at the end of the cycle is a dropout unless the diploma was obtained.
END_OF_CYCLE_EXIT_REASON = "fin_cycle"
# Diplomas that end a dropout: level 3 (CAP) and above — every exam of the results import
# (dossiers.enums.Exam); the DNB does not count (domain.md §4.17).
QUALIFYING_EXAMS = ("bac_general", "bac_techno", "bac_pro", "bt", "bts", "cap")
PASSED_OUTCOMES = ("admis", "admis_controle")

DROPOUT_DEFINITION = fixed(
    "REPORTS_DROPOUT_DEFINITION",
    "16 ans ou plus à la sortie, sans diplôme de niveau 3 ou 4, sans inscription ultérieure",
    label="Décrocheur (indicateur de décrochage)",
    source="SIEI : jeunes de 16 ans ou plus sortis sans le baccalauréat ni un diplôme "
    "professionnel (domain.md §4.10) ; définition de travail du décrocheur (§4.17)",
    section=SECTION,
    reading="Une inscription compte quand l'élève avait 16 ans ou plus à la sortie, ne s'est "
    "réinscrit nulle part ensuite, et est sorti sans diplôme : en cours de cycle (abandon, "
    "emploi, autre, motif non renseigné), ou en fin de cycle sans résultat « admis » à un "
    "CAP, baccalauréat, BT ou BTS connu de l'application (un ajourné qui ne revient pas est "
    "un décrocheur). Apprentissage, changement d'établissement et déménagement ne comptent "
    "pas.",
)

SMALL_CELL_THRESHOLD = setting(
    "REPORTS_MASK_THRESHOLD",
    5,
    label="Secret statistique : effectif en dessous duquel une case publiée est masquée",
    source="Règle de diffusion des statistiques publiques (moins de 5 personnes) ; valeur de "
    "la fiche de conception",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="élèves",
    check=lambda v: v >= 1,
)

# Outcomes "at 4 months": TDO (seed 002) and Parcours Ambition emploi (arrêté du 18-7-2023)
# last at most 4 months; their outcome is read at the end of that window.
OUTCOME_WINDOW_MONTHS = AMBITION_EMPLOI_MAX_MONTHS
