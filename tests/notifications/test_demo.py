import datetime as dt
from io import StringIO

import pytest
import time_machine

from notifications import demo
from notifications.models import Reminder, SchoolCalendar

from ..students.factories import StudentFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 11, 23, 7, tzinfo=dt.UTC), tick=False)
def test_demo_seeds_the_calendar_and_fills_inboxes(world):
    for _ in range(3):
        StudentFactory(current_school=world.school_a)
    world.users.chef_a.username = "chef.lycee"
    world.users.chef_a.save()
    out = StringIO()
    demo.build(today=dt.date(2026, 11, 23), stdout=out)
    demo.build(today=dt.date(2026, 11, 23), stdout=out)  # a second load changes nothing
    mine = SchoolCalendar.objects.filter(academie=world.academie)
    assert set(mine.values_list("school_year", flat=True)) == {2025, 2026}
    current = mine.get(school_year=2026)
    assert current.closures.filter(name="Noël").count() == 1
    assert Reminder.objects.filter(recipient=world.users.chef_a).exists()
    assert Reminder.objects.filter(recipient=world.users.cio1).exists()  # escalation
    assert "Calendrier 2025-2026 chargé" in out.getvalue()
