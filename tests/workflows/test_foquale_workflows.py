"""FoQualE calls for projects and projects on the lifecycle engine: a double action gives
exactly one success (their transitions used to run without lock or transaction)."""

import datetime as dt
from functools import partial

import pytest

from foquale.enums import CallStatus, ProjectStatus
from foquale.models import CallForProjects, CallTransition, Project, ProjectTransition
from tests.foquale.factories import CallFactory, ProjectFactory

from .race import race


@pytest.fixture
def today(clock):
    return clock.at(dt.date(2025, 10, 1))


@pytest.mark.django_db(transaction=True)
def test_opening_a_call_twice_at_once_gives_one_success(world, today):
    call = CallFactory(academie=world.academie)
    calls = [
        partial(CallForProjects.objects.get(pk=call.pk).open, by=user, today=today)
        for user in (world.users.pilot, world.users.admin)
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert CallTransition.objects.filter(call=call, to_state=CallStatus.OPEN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_submitting_and_withdrawing_a_project_at_once_give_one_success(world, today):
    call = CallFactory(academie=world.academie, opened=True)
    project = ProjectFactory(call=call, school=world.school_a)
    calls = [
        partial(Project.objects.get(pk=project.pk).submit, by=world.users.chef_a, today=today),
        partial(Project.objects.get(pk=project.pk).withdraw, by=world.users.chef_a),
    ]
    outcomes = race(*calls)
    assert outcomes.count("ok") == 1, outcomes
    assert ProjectTransition.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.status in (ProjectStatus.SUBMITTED, ProjectStatus.WITHDRAWN)
    assert project.version == 1
