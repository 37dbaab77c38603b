"""Regulatory numbers behind the indicators, with the text that sets them."""

from mlds.rules import AMBITION_EMPLOI_MAX_MONTHS
from students.rules import COMPULSORY_INSTRUCTION_END_AGE

# SIEI (domain.md §4.10) and the working definition of a décrocheur (§4.17): a young person
# aged 16 or more who left initial training without the diploma of the cycle.
DROPOUT_MIN_AGE = COMPULSORY_INSTRUCTION_END_AGE

# Statistical secrecy: a published cell counting fewer than 5 pupils could point at a person.
# [ASSUMPTION] 5 is the threshold named by the design card; configurable in reports/conf.py.
SMALL_CELL_THRESHOLD = 5

# Outcomes "at 4 months": TDO (seed 002) and Parcours Ambition emploi (arrêté du 18-7-2023)
# last at most 4 months; their outcome is read at the end of that window.
OUTCOME_WINDOW_MONTHS = AMBITION_EMPLOI_MAX_MONTHS

# Exit reasons (students.enums.ExitReason values) that mean leaving training without the
# cycle's diploma: abandon, job, other, unrecorded. End of cycle, change of school, move and
# apprenticeship (initial training goes on in a CFA) are not dropouts by themselves.
DROPOUT_EXIT_REASONS = ("abandon", "emploi", "autre", "")
