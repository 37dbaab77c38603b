"""The daily digest on the lifecycle engine: two workers finishing the same digest at once
give exactly one state change and one log row."""

from functools import partial

import pytest
from django.utils import timezone

from notifications.enums import SendState
from notifications.models import Digest, DigestLog

from .race import race


@pytest.mark.django_db(transaction=True)
def test_two_workers_marking_a_digest_at_once_give_one_success(world):
    digest = Digest.objects.create(recipient=world.users.chef_a, day=timezone.localdate())
    now = timezone.now()
    calls = [
        partial(Digest.objects.get(pk=digest.pk).mark_sent, now=now),
        partial(Digest.objects.get(pk=digest.pk).cancel),
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert DigestLog.objects.filter(digest=digest).count() == 1
    assert Digest.objects.get(pk=digest.pk).state in (SendState.SENT, SendState.CANCELLED)
