"""Prevention paths on the lifecycle engine: a double action gives exactly one success, even
when the caller forgot to lock the row (the engine locks)."""

import datetime as dt
from functools import partial

import pytest

from prevention.models import Derogatoire, PathEvent, Tdo
from tests.prevention.factories import DerogatoireFactory, TdoFactory

from .race import race

NOW = dt.datetime(2025, 11, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def today(clock):
    return clock.at(NOW)


@pytest.mark.django_db(transaction=True)
def test_two_transmissions_of_a_derogatoire_path_at_once_give_one_success(world, today):
    path = DerogatoireFactory(student__current_school=world.school_a, signed=True)
    calls = [
        partial(Derogatoire.objects.get(pk=path.pk).transmit, by=user, now=NOW)
        for user in (world.users.chef_a, world.users.referent_a)
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert PathEvent.objects.filter(derogatoire=path, to_state="transmis").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_answers_to_a_tdo_offer_at_once_give_one_success(world, today):
    tdo = TdoFactory(student__current_school=world.school_a)
    calls = [
        partial(
            Tdo.objects.get(pk=tdo.pk).answer,
            by=world.users.chef_a,
            accepted=accepted,
            answered_on=dt.date(2025, 11, 5),
        )
        for accepted in (True, False)
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert PathEvent.objects.filter(tdo=tdo).exclude(from_state="").count() == 1
