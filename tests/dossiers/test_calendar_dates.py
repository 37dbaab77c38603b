"""The re-preparation reads its dates from the one school calendar: the rentrée that follows
the failure (code de l'éducation D.331-61), the "sans solution" sweep before it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.enums import DossierDeadline, Wish
from notifications.models import Deadline

from ..notifications.factories import no_calendar, school_year
from .conftest import walk
from .factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rentree_2_september(world):
    """The académie's rentrée 2025 is on Tuesday 2 September (national: Monday 1st)."""
    school_year(2025, rentree=dt.date(2025, 9, 1), end_of_classes=dt.date(2026, 7, 4))
    return school_year(
        2025,
        academie=world.academie,
        rentree=dt.date(2025, 9, 2),
        end_of_classes=None,
        zone="C",
        sans_solution_sweep_date=dt.date(2025, 8, 27),
    )


def wishing_to_reenrol(world, on_day):
    on_day(dt.date(2025, 7, 9))
    d = DossierFactory(student__current_school=world.school_a)
    walk(d, world.users.chef_a, "entretien_realise")
    d.express_wish(by=world.users.chef_a, wish=Wish.REINSCRIPTION_ORIGINE)
    return d


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (dt.date(2025, 10, 1), True),  # national rentrée + 30: still open here
        (dt.date(2025, 10, 2), True),  # académie rentrée (2 Sept) + 30: last day
        (dt.date(2025, 10, 3), False),  # the day after
    ],
)
def test_the_right_ends_after_the_academie_rentree_d_331_61(
    world, on_day, rentree_2_september, day, allowed
):
    """D.331-61: the right is offered "à la rentrée scolaire qui suit cet échec" — the
    académie's rentrée from the calendar, plus DOSSIERS_RIGHT_GRACE_DAYS (30)."""
    d = wishing_to_reenrol(world, on_day)
    assert d.rentree == dt.date(2025, 9, 2)
    assert d.right_end == dt.date(2025, 10, 2)
    on_day(day)
    if allowed:
        d.reenrol(by=world.users.chef_a)
    else:
        with pytest.raises(ValidationError, match="a pris fin le 02/10/2025"):
            d.reenrol(by=world.users.chef_a)


def test_deadlines_take_the_calendar_dates(world, on_day, rentree_2_september):
    d = wishing_to_reenrol(world, on_day)
    due = dict(Deadline.objects.filter(object_id=d.pk).values_list("kind", "due_date"))
    assert due[DossierDeadline.REPREPARATION_RIGHT_END] == dt.date(2025, 10, 2)
    assert due[DossierDeadline.SANS_SOLUTION_SWEEP] == dt.date(2025, 8, 27)


def test_without_a_calendar_the_default_rentree_applies(world, on_day):
    """No row at all: the default rentrée (first working day from 1 September) applies —
    and the administrator's dashboard says so (tests/notifications/test_calendar.py)."""
    no_calendar()
    d = wishing_to_reenrol(world, on_day)
    assert d.rentree == dt.date(2025, 9, 1)
    assert d.sweep_on == dt.date(2025, 8, 25)


def test_the_dossier_list_reads_the_calendar_once(world, on_day, client_for, rentree_2_september):
    on_day(dt.date(2025, 7, 9))
    for _ in range(3):
        DossierFactory(student__current_school=world.school_a)
    client = client_for(world.users.chef_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/reprepa/").status_code == 200
    for _ in range(12):
        DossierFactory(student__current_school=world.school_a)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/reprepa/").status_code == 200
    calendar_queries = [q for q in many.captured_queries if "schoolcalendar" in q["sql"]]
    assert len(calendar_queries) == 1
    assert len(many) == len(few)
