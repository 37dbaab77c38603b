"""Settings of the re-preparation app, each with a default (override in settings)."""

from django.conf import settings

# Results day when no ResultsDay row exists for the académie and session (seed 000 / domain
# §8: Friday 4 July 2025). (month, day).
RESULTS_DAY = getattr(settings, "DOSSIERS_RESULTS_DAY", (7, 4))
# [ASSUMPTION] entretien de situation due this many days after results day (domain §8).
ENTRETIEN_DAYS = getattr(settings, "DOSSIERS_ENTRETIEN_DAYS", 10)
# [ASSUMPTION] re-enrolment decision before mid-July (domain §8). (month, day)
DECISION_DAY = getattr(settings, "DOSSIERS_DECISION_DAY", (7, 15))
# [ASSUMPTION] commission decides within this many days of the transmission.
COMMISSION_DAYS = getattr(settings, "DOSSIERS_COMMISSION_DAYS", 21)
# [ASSUMPTION] family informed within this many days of a decision.
FAMILY_INFORMED_DAYS = getattr(settings, "DOSSIERS_FAMILY_INFORMED_DAYS", 7)
# [UNCERTAIN] rentrée date (domain §8: believed 1 September). (month, day)
RENTREE_DAY = getattr(settings, "DOSSIERS_RENTREE_DAY", (9, 1))
# [ASSUMPTION] the right of D.331-61 ends at the rentrée plus this grace (domain §4.2).
RIGHT_GRACE_DAYS = getattr(settings, "DOSSIERS_RIGHT_GRACE_DAYS", 30)
# [ASSUMPTION] "sans solution" sweep the last week of August (domain §8). (month, day)
SWEEP_DAY = getattr(settings, "DOSSIERS_SWEEP_DAY", (8, 25))
# CIO caseload: pupils without entretien this many days after results day are listed.
NO_ENTRETIEN_ALERT_DAYS = getattr(settings, "DOSSIERS_NO_ENTRETIEN_ALERT_DAYS", 10)
# An entretien may be planned at most this many days ahead.
ENTRETIEN_MAX_AHEAD_DAYS = getattr(settings, "DOSSIERS_ENTRETIEN_MAX_AHEAD_DAYS", 90)
# Letters rendered per progress update of a batch.
BATCH_PROGRESS_EVERY = getattr(settings, "DOSSIERS_BATCH_PROGRESS_EVERY", 20)
