"""Technical settings of the re-preparation app (the rules are in rules.py)."""

from django.conf import settings

# Letters per chunk of a batch: the unit a worker claims, renders to its own file and marks
# done; several workers share a batch chunk by chunk.
BATCH_CHUNK_SIZE = getattr(settings, "DOSSIERS_BATCH_CHUNK_SIZE", 200)
# Letters laid out together in memory, written to a part file on disk, then dropped (also the
# step of the progress bar): a worker's peak memory is that of one group, whatever the batch.
BATCH_GROUP_SIZE = getattr(settings, "DOSSIERS_BATCH_GROUP_SIZE", 25)
# Messages sent for one batch when a broker is configured: up to this many idle workers
# start on it together (each then claims chunks until none is left).
BATCH_FANOUT = getattr(settings, "DOSSIERS_BATCH_FANOUT", 8)
