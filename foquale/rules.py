"""Numbers of the FoQualE workflows, with where they come from."""

from rulebook.registry import Status, fixed

SECTION = "Réseaux FoQualE"

# Seed 004 (Poitiers, 29/09/2014): a "commission d'instruction des dossiers" analyses the
# projects of the call; the circular sets no scale. [ASSUMPTION] marks out of 20, like exams.
# Not a setting: the scale is a database constraint of the scores already given.
PROJECT_SCORE_MIN = 0
PROJECT_SCORE_MAX = fixed(
    "FOQUALE_PROJECT_SCORE_MAX",
    20,
    label="Note d'un projet en commission d'instruction (barème)",
    source="Circulaire de Poitiers du 29/09/2014 (seed 004) : commission d'instruction des "
    "dossiers, sans barème",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="points",
    reading="Non réglable : le barème sur 20 est une contrainte de la base (les notes déjà "
    "données restent comparables) ; un autre barème se convertit sur 20.",
)

# Seed 004: four academic priority axes; a call opens on at least one of them.
CALL_MIN_AXES = fixed(
    "FOQUALE_CALL_MIN_AXES",
    1,
    label="Axes prioritaires qu'un appel à projets doit viser, au moins",
    source="Circulaire de Poitiers du 29/09/2014 (seed 004) : quatre axes académiques",
    section=SECTION,
    status=Status.LOCAL,
)
