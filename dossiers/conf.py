"""Technical settings of the re-preparation app (the rules are in rules.py)."""

from django.conf import settings

# Letters rendered per progress update of a batch.
BATCH_PROGRESS_EVERY = getattr(settings, "DOSSIERS_BATCH_PROGRESS_EVERY", 20)
