"""Letter batches survive the queue and share workers: Redis stopped when the batch is
requested, the whole worker killed in the middle of a chunk, two worker processes on one batch.
Each time the batch ends with one PDF holding every letter once."""

import datetime as dt
import time

import pytest
from django.db import transaction

from dossiers import conf, services
from dossiers.enums import DossierState, Wish
from dossiers.models import BatchChunk, BatchJob, GeneratedDocument
from jobs import runner

from ..dossiers.conftest import pdf_text
from ..dossiers.factories import DossierFactory
from . import test_queue_outage as outage
from .test_queue_outage import STALE, wait_for

queue_env = outage.queue_env  # the private Redis and the worker processes

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def reenrolled(world, count):
    """Pupils reenrolled in their school (as recorded on results day; the worker runs today)."""
    for n in range(count):
        DossierFactory(
            student__current_school=world.school_a,
            student__last_name=f"Élève{n}",
            state=DossierState.REINSCRIT,
            wish=Wish.REINSCRIPTION_ORIGINE,
            decided_on=dt.date(2025, 7, 10),
        )


def request(world) -> BatchJob:
    with transaction.atomic():
        batch = services.request_letters(by=world.users.chef_a, school=world.school_a)
    return batch


def state(batch) -> str:
    batch.refresh_from_db()
    return batch.state


def small_chunks(worker, chunk, group=1):
    worker.env["JOBS_TEST_LETTER_CHUNK"] = str(chunk)
    worker.env["JOBS_TEST_LETTER_GROUP"] = str(group)
    return worker


def assert_every_letter_once(batch, count):
    batch.refresh_from_db()
    assert batch.state == "termine" and batch.done_count == batch.total == count
    assert GeneratedDocument.objects.filter(kind="lettres_lot").count() == 1
    assert batch.document.pages == count and batch.document.dossiers.count() == count
    text = pdf_text(batch.document.file.path)
    assert text.count("Page 1 sur 1") == count
    assert BatchJob.objects.count() == 1


def test_letters_requested_with_redis_stopped_are_rendered_once_it_is_back(
    world, queue_env, monkeypatch
):
    redis_server, make_worker = queue_env
    monkeypatch.setattr(conf, "BATCH_CHUNK_SIZE", 2)
    reenrolled(world, 5)
    batch = request(world)  # Redis down: the batch and its chunks are committed anyway
    assert state(batch) == "en_attente" and batch.chunks.count() == 3
    assert runner.sweep() == 0
    soon = batch.enqueued_at + dt.timedelta(minutes=2)
    assert runner.sweep(now=soon) == 1  # cannot send either; nothing breaks
    assert state(batch) == "en_attente"

    redis_server.start()
    small_chunks(make_worker(), 2).start()
    assert runner.sweep(now=soon + dt.timedelta(minutes=2)) == 1
    wait_for(lambda: state(batch) == "termine", timeout=120, what="lot terminé")
    assert_every_letter_once(batch, 5)
    assert batch.attempts == 1


def test_whole_worker_killed_mid_chunk_then_batch_finishes_exactly_once(
    world, queue_env, monkeypatch
):
    redis_server, make_worker = queue_env
    redis_server.start()
    monkeypatch.setattr(conf, "BATCH_CHUNK_SIZE", 4)
    reenrolled(world, 16)
    first = small_chunks(make_worker(), 4)
    first.start()
    batch = request(world)

    def mid_chunk():  # a chunk with letters done and letters left (one letter per group)
        return BatchChunk.objects.filter(
            batch=batch, status="en_cours", done_count__gte=1, done_count__lt=4
        ).exists()

    wait_for(mid_chunk, timeout=120, what="lot commencé")
    first.kill()
    batch.refresh_from_db()
    assert batch.state == "en_cours" and batch.done_count < 16
    killed = BatchChunk.objects.filter(batch=batch, status="en_cours").get()

    # A new worker comes up (it may also take the messages still queued); the periodic sweep
    # sends the batch again once the dead worker's heartbeat is stale.
    small_chunks(make_worker(), 4).start()
    time.sleep(STALE + 1)

    def swept_and_done():
        runner.sweep()
        return state(batch) == "termine"

    wait_for(swept_and_done, timeout=180, what="lot repris et terminé")
    assert_every_letter_once(batch, 16)
    killed.refresh_from_db()
    # Taken over (more than once if a loaded machine made a live worker look dead for
    # STALE seconds: its claim is then lost and nothing it wrote counts).
    assert killed.attempts >= 2 and killed.done_count == 4
    assert batch.attempts >= 2


def test_two_worker_processes_share_one_batch(world, queue_env, monkeypatch):
    redis_server, make_worker = queue_env
    redis_server.start()
    monkeypatch.setattr(conf, "BATCH_CHUNK_SIZE", 2)
    reenrolled(world, 16)
    for _ in range(2):
        small_chunks(make_worker(), 2).start()
    from config.celery import app

    wait_for(lambda: len(app.control.ping(timeout=0.5)) >= 2, timeout=60, what="deux workers")
    batch = request(world)  # eight chunks, eight messages: both workers take some
    wait_for(lambda: state(batch) == "termine", timeout=180, what="lot terminé")
    assert_every_letter_once(batch, 16)
    workers = set(BatchChunk.objects.filter(batch=batch).values_list("worker", flat=True))
    assert len(workers) == 2
    # (A chunk may show two attempts: with STALE at 4 s, a loaded machine can make a live
    # worker look dead; its claim is then lost and the letters above are still each once.)
