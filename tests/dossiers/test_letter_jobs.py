"""A batch of letters is a durable job split into chunks: any worker claims a chunk, writes it
to its own file, the last one done merges them; a lost message or a dead worker is picked up
by the sweep, an administrator relaunches a failed batch, and only who may see the batch sees
it. (The real worker processes, killed or sharing one batch, are in tests/jobs.)"""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from dossiers import conf, services
from dossiers.enums import BatchState
from dossiers.models import BatchChunk, BatchJob, GeneratedDocument, RepreparationDossier
from jobs import runner

from .conftest import pdf_text, walk
from .factories import DossierFactory

pytestmark = pytest.mark.django_db

NAMES = ["Moreau", "Garnier", "Aubert", "Perrin", "Lambert"]


@pytest.fixture
def letters(world, frozen, media_root, monkeypatch):
    """Five reenrolled pupils of school A; chunks of two letters, laid out one by one."""
    monkeypatch.setattr(conf, "BATCH_CHUNK_SIZE", 2)
    monkeypatch.setattr(conf, "BATCH_GROUP_SIZE", 1)
    for name in NAMES:
        d = DossierFactory(student__current_school=world.school_a, student__last_name=name)
        walk(d, world.users.chef_a, "reinscrit")
    return world


def request(world, django_capture_on_commit_callbacks, *, execute=False) -> BatchJob:
    with django_capture_on_commit_callbacks(execute=execute):
        batch = services.request_letters(by=world.users.chef_a, school=world.school_a)
    return BatchJob.objects.get(pk=batch.pk)


def in_order(batch) -> list[str]:
    return [
        RepreparationDossier.objects.get(pk=pk).student.last_name.upper()
        for pk in batch.dossier_ids
    ]


def assert_one_complete_pdf(batch):
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and batch.done_count == batch.total == 5
    assert GeneratedDocument.objects.filter(kind="lettres_lot").count() == 1
    assert batch.document.pages == 5 and batch.document.dossiers.count() == 5
    text = pdf_text(batch.document.file.path)
    assert text.count("Page 1 sur 1") == 5
    positions = [text.index(name) for name in in_order(batch)]
    assert positions == sorted(positions)
    # The chunk files were merged, then removed from the storage.
    files = [c.file for c in batch.chunks.all()]
    assert files and not any(default_storage.exists(name) for name in files)


def test_the_request_commits_chunks_and_the_job_even_when_no_message_goes_out(
    letters, django_capture_on_commit_callbacks
):
    batch = request(letters, django_capture_on_commit_callbacks)  # message lost
    assert batch.state == BatchState.PENDING and batch.enqueued_at is not None
    chunks = list(batch.chunks.order_by("index"))
    assert [len(c.dossier_ids) for c in chunks] == [2, 2, 1]
    assert [pk for c in chunks for pk in c.dossier_ids] == batch.dossier_ids
    # The sweep sends it again once it has waited a minute (inline here: it runs at once).
    assert runner.sweep() == 0
    assert runner.sweep(now=batch.enqueued_at + dt.timedelta(minutes=2)) == 1
    assert_one_complete_pdf(batch)
    assert batch.attempts == 1
    assert runner.sweep(now=batch.enqueued_at + dt.timedelta(minutes=10)) == 0


def test_two_workers_share_a_batch_and_the_last_one_merges(
    letters, django_capture_on_commit_callbacks
):
    batch = request(letters, django_capture_on_commit_callbacks)
    batch_id = batch.pk
    BatchJob.objects.filter(pk=batch_id).update(state=BatchState.RUNNING)
    # Worker A takes the first chunk and is still on it when worker B arrives.
    held = services._claim_chunk(batch_id, "worker-a")
    assert held.index == 0
    services.run_batch(batch_id=batch_id, worker="worker-b")
    batch.refresh_from_db()
    assert batch.state == BatchState.RUNNING and batch.document_id is None  # A not done
    assert batch.done_count == 3  # letters done / total on the progress page
    # A finishes its chunk; being the last, it merges.
    services._render_chunk(batch, held, batch.created_at.date())
    services._merge(batch)
    assert_one_complete_pdf(batch)
    workers = dict(BatchChunk.objects.filter(batch=batch).values_list("index", "worker"))
    assert workers == {0: "worker-a", 1: "worker-b", 2: "worker-b"}


def test_a_chunk_of_a_dead_worker_is_taken_over_and_counted_once(
    letters, clock, django_capture_on_commit_callbacks
):
    batch = request(letters, django_capture_on_commit_callbacks)
    now = timezone.now()
    # A first worker starts the batch (as run_batch does), claims a chunk, renders one
    # letter of it, and is killed.
    BatchJob.objects.filter(pk=batch.pk).update(
        state=BatchState.RUNNING, attempts=1, started_at=now, heartbeat_at=now
    )
    dead = services._claim_chunk(batch.pk, "worker-killed")
    assert services._progress(dead, 1)
    # Another worker while the dead one's heartbeat is recent: it leaves that chunk alone.
    services.run_batch(batch_id=batch.pk, worker="worker-b")
    batch.refresh_from_db()
    assert (batch.state, batch.done_count) == (BatchState.RUNNING, 4)
    assert BatchChunk.objects.get(pk=dead.pk).worker == "worker-killed"
    # Past the stale delay the sweep sends the batch again and a worker takes the chunk over.
    assert runner.sweep() == 0
    clock.at(timezone.now() + runner.stale_after() + dt.timedelta(minutes=1))
    assert runner.sweep() == 1
    assert_one_complete_pdf(batch)
    chunk = BatchChunk.objects.get(pk=dead.pk)
    assert (chunk.attempts, chunk.done_count) == (2, 2)
    assert batch.attempts == 2
    # The dead worker, had it come back, no longer counts: its claim is gone.
    assert services._progress(dead, 1) is False
    batch.refresh_from_db()
    assert batch.done_count == 5


def test_a_failed_merge_keeps_the_chunks_and_the_administrator_relaunches_it(
    letters, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from ..accounts.factories import UserFactory

    monkeypatch.setattr(conf, "BATCH_GROUP_SIZE", 2)  # one part per chunk: no join before
    batch = request(letters, django_capture_on_commit_callbacks)
    with monkeypatch.context() as broken, pytest.raises(RuntimeError):
        broken.setenv("PATH", "/nonexistent")  # pdfunite missing on this server
        services.run_batch(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED and "pdfunite" in batch.error
    page = client_for(letters.users.chef_a).get(batch.get_absolute_url()).text
    assert "Échec du rendu" in page and "Relancer le lot" not in page  # not an administrator
    relaunch = reverse("dossiers:batch_relaunch", args=[batch.public_id])
    assert client_for(letters.users.chef_a).post(relaunch).status_code == 404
    assert set(batch.chunks.values_list("status", flat=True)) == {"termine"}

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = client_for(root)
    assert admin.get("/admin/dossiers/batchjob/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/admin/dossiers/batchjob/", {"action": "relaunch", "_selected_action": [batch.pk]}
        )
    assert_one_complete_pdf(batch)
    # The chunks rendered before the failure were kept, not rendered again.
    assert set(batch.chunks.values_list("attempts", flat=True)) == {1}
    assert batch.error == ""


def test_progress_page_says_letters_and_chunks_and_stays_in_scope(
    letters, client_for, django_capture_on_commit_callbacks
):
    batch = request(letters, django_capture_on_commit_callbacks)
    owner = client_for(letters.users.chef_a)
    page = owner.get(batch.get_absolute_url()).text
    assert "En file d'attente" in page and "0 / 5" in page and "0 / 3" in page
    services.run_batch(batch_id=batch.pk)
    progress = owner.get(batch.get_absolute_url(), {"format": "json"}).json()
    assert progress["count"] == "5 / 5" and progress["chunks"] == "3 / 3"
    assert progress["finished"] and progress["document_url"]
    batch.refresh_from_db()
    document = reverse("dossiers:document", args=[batch.document.public_id])
    assert owner.get(document).status_code == 200
    # Another school, another département's commission: 404 on the page, its progress,
    # its relaunch and its PDF.
    for outsider in (letters.users.chef_b, letters.users.chef_d, letters.users.dasen2):
        client = client_for(outsider)
        assert client.get(batch.get_absolute_url()).status_code == 404
        assert client.get(batch.get_absolute_url(), {"format": "json"}).status_code == 404
        relaunch = reverse("dossiers:batch_relaunch", args=[batch.public_id])
        assert client.post(relaunch).status_code == 404
        assert client.get(document).status_code == 404
