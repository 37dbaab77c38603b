import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Reminder
from notifications.services import run_daily_sweep

from ..students.factories import StudentFactory
from .factories import DeadlineFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 7, 13)


@pytest.fixture(autouse=True)
def frozen(clock):
    clock.at(dt.datetime(2026, 7, 13, 9, tzinfo=ZoneInfo("Europe/Paris")), tick=True)


def test_inbox_items_are_the_accounts_own(world, api_for):
    mine = DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    DeadlineFactory(subject=StudentFactory(current_school=world.school_d))
    run_daily_sweep(today=TODAY)
    data = api_for(world.users.chef_a).get("/api/v1/rappels/").json()
    assert [row["deadline"]["url"] for row in data["results"]] == [mine.url]
    assert data["results"][0]["stage_label"] == "Échéance dépassée"
    assert data["results"][0]["deadline"]["student_id"] == str(mine.student.public_id)
    other = Reminder.objects.get(recipient=world.users.chef_d)
    assert api_for(world.users.chef_a).get(f"/api/v1/rappels/{other.public_id}/").status_code == 404
    assert api_for(world.users.norole).get("/api/v1/rappels/").status_code == 404


def test_mark_read_through_the_api(world, api_for):
    DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    run_daily_sweep(today=TODAY)
    item = Reminder.objects.get(recipient=world.users.chef_a)
    client = api_for(world.users.chef_a)
    assert client.get("/api/v1/rappels/", {"unread": "true"}).json()["count"] == 1
    response = client.post(f"/api/v1/rappels/{item.public_id}/lu/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert client.get("/api/v1/rappels/", {"unread": "true"}).json()["count"] == 0
    outsider = api_for(world.users.chef_d).post(f"/api/v1/rappels/{item.public_id}/lu/")
    assert outsider.status_code == 404


def test_deadlines_are_scoped_and_filtered(world, api_for):
    late = DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    soon = DeadlineFactory(
        subject=StudentFactory(current_school=world.school_b), due_date=dt.date(2026, 7, 15)
    )
    DeadlineFactory(subject=StudentFactory(current_school=world.school_d))
    cio = api_for(world.users.cio1)
    urls = [row["url"] for row in cio.get("/api/v1/echeances/").json()["results"]]
    assert urls == [late.url, soon.url]
    overdue = cio.get("/api/v1/echeances/", {"vue": "retard"}).json()["results"]
    assert [row["url"] for row in overdue] == [late.url]
    week = cio.get("/api/v1/echeances/", {"vue": "semaine"}).json()["results"]
    assert [row["url"] for row in week] == [soon.url]
    assert cio.get("/api/v1/echeances/", {"vue": "hier"}).status_code == 400
    assert api_for(world.users.pilot).get("/api/v1/echeances/").status_code == 404


def test_api_lists_have_constant_query_counts(world, api_for):
    client = api_for(world.users.chef_a)

    def counts():
        with CaptureQueriesContext(connection) as inbox:
            client.get("/api/v1/rappels/")
        with CaptureQueriesContext(connection) as deadlines:
            client.get("/api/v1/echeances/")
        return len(inbox), len(deadlines)

    DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    run_daily_sweep(today=TODAY)
    few = counts()
    for _ in range(20):
        DeadlineFactory(subject=StudentFactory(current_school=world.school_a))
    run_daily_sweep(today=TODAY)
    assert counts() == few
