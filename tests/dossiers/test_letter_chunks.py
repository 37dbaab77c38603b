"""A batch of letters is laid out by chunks written to disk, then joined in order: same
letters, same pages, same order as one piece, whatever the chunk size."""

import pytest

from dossiers import conf, services
from dossiers.enums import BatchState
from dossiers.models import BatchJob, RepreparationDossier

from .conftest import pdf_text, walk
from .factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("chunk", [2, 50])
def test_batch_renders_by_chunks_in_order(
    world, transmitted, media_root, monkeypatch, chunk, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(conf, "BATCH_CHUNK_SIZE", chunk)
    dossier, session, capacity = transmitted
    capacity.places = 5
    capacity.save()
    names = ["Moreau", "Garnier", "Aubert", "Perrin"]
    for name in names:
        d = DossierFactory(student__current_school=world.school_a, student__last_name=name)
        walk(d, world.users.chef_a, "transmis_commission", proposed_school=world.school_b)
    others = [RepreparationDossier.objects.get(student__last_name=n) for n in names]
    for d in (dossier, *others):
        services.decide(
            session=session, dossier=d, outcome="affecte", capacity=capacity, by=world.users.dasen1
        )
    services.pronounce(session=session, by=world.users.dasen1)
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.request_letters(session=session, by=world.users.dasen1)
    services.run_batch(batch_id=batch.pk)
    batch = BatchJob.objects.get(pk=batch.pk)
    assert batch.state == BatchState.DONE and batch.done_count == batch.total == 5
    assert batch.document.pages == 5 and batch.document.dossiers.count() == 5
    text = pdf_text(batch.document.file.path)
    assert text.count("Page 1 sur 1") == 5
    order = [
        RepreparationDossier.objects.get(pk=pk).student.last_name.upper()
        for pk in batch.dossier_ids
    ]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)
