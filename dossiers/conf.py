"""Technical settings of the re-preparation app (the rules are in rules.py)."""

from django.conf import settings

# Letters rendered per progress update of a batch.
BATCH_PROGRESS_EVERY = getattr(settings, "DOSSIERS_BATCH_PROGRESS_EVERY", 20)
# Letters laid out together, written to a part file on disk, then dropped from memory: a
# batch's peak memory is that of one chunk, whatever the batch size.
BATCH_CHUNK_SIZE = getattr(settings, "DOSSIERS_BATCH_CHUNK_SIZE", 50)
