import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from foquale.enums import CallStatus, ProjectStatus
from foquale.models import CallForProjects, Project

from .factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def post(client, url_name, obj, data=None, **kw):
    return client.post(
        reverse(f"foquale:{url_name}", kwargs={"public_id": obj.public_id, **kw}), data or {}
    )


@time_machine.travel("2025-10-01")
def test_full_call_journey(world, client_for):
    pilot, chef = client_for(world.users.pilot), client_for(world.users.chef_a)
    response = pilot.post(
        reverse("foquale:call_create"),
        {"title": "Persévérance 2025", "axes": ["remobilisation", "sante_citoyennete"],
         "closes_on": "2025-11-15", "description": "Appel rectorat"},
    )  # fmt: skip
    call = CallForProjects.objects.get()
    assert response.status_code == 302 and call.status == CallStatus.DRAFT
    # Drafts are invisible to schools.
    assert chef.get(reverse("foquale:call_detail", args=[call.public_id])).status_code == 404
    post(pilot, "call_transition", call, name="ouvrir")
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    # An axis outside the call is refused inline.
    create = reverse("foquale:project_create", args=[call.public_id])
    bad = chef.post(create, {"title": "X", "axis": "liens_entreprises", "summary": "s",
                             "pupils_expected": 5, "budget_requested": "100"})  # fmt: skip
    assert bad.status_code == 200 and not Project.objects.exists()
    chef.post(create, {"title": "Atelier santé", "axis": "sante_citoyennete", "summary": "s",
                       "pupils_expected": 12, "budget_requested": "1500"})  # fmt: skip
    project = Project.objects.get()
    assert project.school == world.school_a and project.status == ProjectStatus.DRAFT
    # The pilot does not see drafts; the school's head submits.
    assert (
        client_for(world.users.pilot)
        .get(reverse("foquale:project_detail", args=[project.public_id]))
        .status_code
        == 404
    )
    post(chef, "project_action", project, name="deposer")
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    post(pilot, "call_transition", call, name="cloturer")
    # Decision needs a score first.
    post(
        pilot,
        "project_action",
        project,
        {"decider-accepted": "1", "decider-comment": "Très bon projet"},
        name="decider",
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    post(pilot, "project_review", project, {"score": "17", "comment": "Solide"})
    post(client_for(world.users.admin), "project_review", project, {"score": "15"})
    assert project.reviews.count() == 2
    post(
        pilot,
        "project_action",
        project,
        {"decider-accepted": "1", "decider-comment": "Très bon projet"},
        name="decider",
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED
    detail = reverse("foquale:project_detail", args=[project.public_id])
    before = chef.get(detail).text
    assert "Très bon projet" not in before and "en instruction" in before
    post(pilot, "call_transition", call, name="publier")
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED and call.published_at
    after = chef.get(detail).text
    assert "Très bon projet" in after and "Retenu" in after
    assert [t.to_state for t in call.transitions.all()] == ["ouvert", "instruction", "publie"]
    assert [t.to_state for t in project.transitions.all()] == ["depose", "retenu"]


@time_machine.travel("2025-12-01")
def test_guards(world, client_for):
    call = CallFactory(academie=world.academie, opened=True, closes_on=dt.date(2025, 11, 30))
    project = ProjectFactory(call=call, school=world.school_a, created_by=world.users.chef_a)
    post(client_for(world.users.chef_a), "project_action", project, name="deposer")
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT  # deadline passed
    pending = ProjectFactory(call=call, school=world.school_b, submitted=True)
    pilot = client_for(world.users.pilot)
    post(pilot, "call_transition", call, name="cloturer")
    response = post(pilot, "call_transition", call, name="publier")
    call.refresh_from_db()
    assert call.status == CallStatus.REVIEW and response.status_code == 302
    assert pending.status == ProjectStatus.SUBMITTED
    assert post(pilot, "call_transition", call, name="nimporte").status_code == 404
    draft = CallFactory(academie=world.academie, closes_on=dt.date(2025, 11, 1))
    post(pilot, "call_transition", draft, name="ouvrir")
    draft.refresh_from_db()
    assert draft.status == CallStatus.DRAFT


@time_machine.travel("2025-10-01")
def test_project_personas(world, client_for):
    call = CallFactory(academie=world.academie, opened=True)
    project = ProjectFactory(call=call, school=world.school_a, submitted=True)
    url = reverse("foquale:project_detail", args=[project.public_id])
    for user in (world.users.chef_a, world.users.referent_a, world.users.pilot, world.users.dasen1):
        assert client_for(user).get(url).status_code == 200
    for user in (world.users.chef_b, world.users.chef_d, world.users.norole):
        assert client_for(user).get(url).status_code == 404
    # The référent reads but does not submit; only chefs create projects.
    assert (
        post(
            client_for(world.users.referent_a), "project_action", project, name="deposer"
        ).status_code
        == 404
    )
    create = reverse("foquale:project_create", args=[call.public_id])
    assert client_for(world.users.referent_a).get(create).status_code == 404
    assert client_for(world.users.chef_a).get(create).status_code == 200
    # Schools cannot score or open calls.
    assert (
        post(client_for(world.users.chef_a), "project_review", project, {"score": 20}).status_code
        == 404
    )
    assert (
        post(client_for(world.users.chef_a), "call_transition", call, name="cloturer").status_code
        == 404
    )
    assert client_for(world.users.chef_a).get(reverse("foquale:call_create")).status_code == 404


@time_machine.travel("2025-10-01")
def test_call_list_and_detail_query_counts(world, client_for):
    call = CallFactory(academie=world.academie, opened=True)
    client = client_for(world.users.pilot)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ProjectFactory(
        call=call, school=world.school_a, status="depose", submitted_at="2025-09-30T10:00Z"
    )
    urls = [reverse("foquale:call_list"), reverse("foquale:call_detail", args=[call.public_id])]
    few = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        few.append(len(ctx))
    for school in (world.school_b, world.school_c, world.school_d):
        ProjectFactory(call=call, school=school, submitted=True)
        CallFactory(academie=world.academie, opened=True)
    many = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        many.append(len(ctx))
    assert few == many
