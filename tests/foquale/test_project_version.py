"""A project's `version` is checked like the other workflows': a decision sent from a page
loaded before someone else's decision is refused in French ("modifié entre-temps"), the first
decision stays, and what the second reviewer typed comes back on the page."""

import datetime as dt

import pytest
from django.urls import reverse

from foquale.enums import CallStatus, ProjectStatus
from foquale.models import ProjectReview

from .factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(world, clock):
    clock.at(dt.datetime(2025, 12, 2, 10, tzinfo=dt.UTC))
    call = CallFactory(academie=world.academie, status=CallStatus.REVIEW)
    project = ProjectFactory(call=call, school=world.school_a, submitted=True)
    ProjectReview.objects.create(project=project, reviewer=world.users.pilot, score=16)
    return project


def decide(client, project, *, version, accepted, comment):
    return client.post(
        reverse("foquale:project_action", args=[project.public_id, "decider"]),
        {"decider-accepted": accepted, "decider-comment": comment, "version": version},
    )


def test_two_stale_decisions_are_refused_and_nothing_is_lost(world, client_for, in_review):
    project = in_review
    pilot, admin = client_for(world.users.pilot), client_for(world.users.admin)
    # Both reviewers open the project's page: the form carries the version they saw.
    seen = project.version
    page = pilot.get(reverse("foquale:project_detail", args=[project.public_id])).text
    assert f'name="version" value="{seen}"' in page
    first = decide(pilot, project, version=seen, accepted="1", comment="Projet solide")
    assert first.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED and project.version == seen + 1
    # The second reviewer's decision, sent from the page loaded before: refused, twice.
    for _ in range(2):
        stale = decide(admin, project, version=seen, accepted="0", comment="Budget trop élevé")
        assert stale.status_code == 409
        assert "modifié entre-temps" in stale.content.decode()
        # What the reviewer typed is still on the page (greyed), nothing is lost.
        assert "Budget trop élevé" in stale.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED
    assert project.decision_comment == "Projet solide"
    assert [t.to_state for t in project.transitions.all()] == [ProjectStatus.ACCEPTED]


def test_a_stale_withdrawal_is_refused(world, client_for, clock):
    clock.at(dt.datetime(2025, 10, 1, 10, tzinfo=dt.UTC))
    call = CallFactory(academie=world.academie, opened=True)
    project = ProjectFactory(call=call, school=world.school_a, created_by=world.users.chef_a)
    chef = client_for(world.users.chef_a)
    url = reverse("foquale:project_action", args=[project.public_id, "deposer"])
    assert chef.post(url, {"version": 0}).status_code == 302
    stale = chef.post(
        reverse("foquale:project_action", args=[project.public_id, "retirer"]), {"version": 0}
    )
    assert stale.status_code == 409 and "modifié entre-temps" in stale.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED and project.version == 1
