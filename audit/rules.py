"""Retention of personal data (domain.md §7, proposed policy [ASSUMPTION], to validate with
the rectorat's DPO): a young person's record stays active while they are enrolled or a case
has a deadline; after RETENTION_YEARS without any activity it is anonymised, after a warning
period during which staff can see the planned date. Aggregates are kept.
"""

from django.conf import settings

RETENTION_YEARS = getattr(settings, "RETENTION_YEARS", 2)
RETENTION_WARNING_DAYS = getattr(settings, "RETENTION_WARNING_DAYS", 30)
ANONYMISED_NAME = "ANONYME"
