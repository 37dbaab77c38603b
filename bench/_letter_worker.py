"""One letter worker in its own process, for bench/dossiers.py: `python -m bench._letter_worker
<batch id> <worker name>` renders chunks of the batch (with any other such process) until none
is left, as a Celery worker's task would, and prints the chunks it rendered."""

import os
import sys


def main(batch_id: int, worker: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from dossiers import services
    from dossiers.models import BatchChunk

    services.run_batch(batch_id=batch_id, worker=worker)
    mine = BatchChunk.objects.filter(batch_id=batch_id, worker=worker).count()
    print(f"{worker}: {mine}")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
