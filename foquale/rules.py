"""Numbers of the FoQualE workflows, with where they come from."""

# Seed 004 (Poitiers, 29/09/2014): a "commission d'instruction des dossiers" analyses the
# projects of the call; the circular sets no scale. [ASSUMPTION] marks out of 20, like exams.
PROJECT_SCORE_MIN = 0
PROJECT_SCORE_MAX = 20

# Seed 004: four academic priority axes; a call opens on at least one of them.
CALL_MIN_AXES = 1
