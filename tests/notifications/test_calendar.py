"""One school calendar for every app: national rows, académie rows, defaults that are flagged
(domain.md §8; the rentrée, end of classes and results days used by re-preparation, MLDS and
prevention)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications import calendar
from notifications.models import ExamSession, SchoolCalendar

from ..accounts.factories import RoleAssignmentFactory, UserFactory
from .factories import no_calendar, school_year

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_known_national_dates_domain_8():
    """Domain.md §8: bac results on Monday 8 July 2024 and Friday 4 July 2025; rentrées
    4 Sept 2023, 2 Sept 2024, 1 Sept 2025; ends of classes 6 July 2024, 5 July 2025,
    4 July 2026."""
    national = {
        c.school_year: (c.rentree, c.end_of_classes)
        for c in SchoolCalendar.objects.filter(academie=None)
    }
    assert national[2023] == (dt.date(2023, 9, 4), dt.date(2024, 7, 6))
    assert national[2024] == (dt.date(2024, 9, 2), dt.date(2025, 7, 5))
    assert national[2025] == (dt.date(2025, 9, 1), dt.date(2026, 7, 4))
    assert calendar.results_day(None, 2024) == dt.date(2024, 7, 8)
    assert calendar.results_day(None, 2025) == dt.date(2025, 7, 4)


def test_an_academie_row_overrides_the_national_row_field_by_field(world):
    school_year(2025, rentree=dt.date(2025, 9, 1), end_of_classes=dt.date(2026, 7, 4))
    school_year(
        2025,
        academie=world.academie,
        rentree=dt.date(2025, 9, 2),
        end_of_classes=None,
        zone="C",
    )
    academie = world.academie.pk
    assert calendar.rentree_with_source(academie, 2025) == (dt.date(2025, 9, 2), "academie")
    assert calendar.end_of_classes_with_source(academie, 2025) == (
        dt.date(2026, 7, 4),
        "national",
    )
    other = world.academie.pk + 1000
    assert calendar.rentree(other, 2025) == dt.date(2025, 9, 1)


def test_results_day_of_an_exam_then_the_bac_then_the_default(world):
    no_calendar()
    academie = world.academie.pk
    assert calendar.results_day_with_source(academie, 2027, "cap") == (
        dt.date(2027, 7, 4),
        "defaut",
    )
    school_year(
        2026,
        rentree=dt.date(2026, 9, 1),
        end_of_classes=dt.date(2027, 7, 3),
        results={"bac": dt.date(2027, 7, 6)},
    )
    assert calendar.results_day(academie, 2027, "cap") == dt.date(2027, 7, 6)
    cal = school_year(2026, academie=world.academie, rentree=None, end_of_classes=None, zone="C")
    ExamSession.objects.create(
        calendar=cal, exam="cap", session_year=2027, results_day=dt.date(2027, 7, 2)
    )
    assert calendar.results_day(academie, 2027, "cap") == dt.date(2027, 7, 2)
    assert calendar.results_day(academie, 2027, "bac") == dt.date(2027, 7, 6)


def test_defaults_when_no_row_exists(world):
    """The defaults (rules CALENDAR_DEFAULT_*): first working day from 1 September, first
    Saturday of July, 4 July."""
    no_calendar()
    assert calendar.rentree(world.academie.pk, 2026) == dt.date(2026, 9, 1)  # a Tuesday
    assert calendar.rentree(world.academie.pk, 2029) == dt.date(2029, 9, 3)  # 1/9 is a Saturday
    assert calendar.end_of_classes(world.academie.pk, 2026) == dt.date(2027, 7, 3)
    assert calendar.results_day(world.academie.pk, 2027) == dt.date(2027, 7, 4)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 7, 4), 2025),  # last day of classes
        (dt.date(2026, 7, 5), 2026),  # summer: the coming school year
        (dt.date(2026, 8, 31), 2026),  # eve of the rentrée
        (dt.date(2026, 9, 1), 2026),  # rentrée
        (dt.date(2025, 10, 1), 2025),
    ],
)
def test_school_year_running_on_a_day(world, day, year):
    school_year(2025, rentree=dt.date(2025, 9, 1), end_of_classes=dt.date(2026, 7, 4))
    school_year(2026, rentree=dt.date(2026, 9, 1), end_of_classes=dt.date(2027, 7, 3))
    assert calendar.school_year_running(world.academie.pk, day) == year


def test_dates_must_fall_in_their_year_and_the_national_row_be_complete(world):
    with pytest.raises(ValidationError) as error:
        SchoolCalendar(school_year=2026, rentree=dt.date(2027, 9, 1)).full_clean()
    assert "rentree" in error.value.message_dict
    with pytest.raises(ValidationError, match="calendrier national doit donner"):
        SchoolCalendar(school_year=2027, rentree=dt.date(2027, 9, 1)).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        SchoolCalendar.objects.create(school_year=2027, rentree=dt.date(2027, 9, 1))
    cal = school_year(2026, rentree=dt.date(2026, 9, 1), end_of_classes=dt.date(2027, 7, 3))
    session = ExamSession(
        calendar=cal, exam="bac", session_year=2026, results_day=dt.date(2026, 7, 7)
    )
    with pytest.raises(ValidationError, match="porte la session 2027"):
        session.full_clean()


def test_a_request_reads_each_school_year_once(world):
    school_year(2025, rentree=dt.date(2025, 9, 1), end_of_classes=dt.date(2026, 7, 4))
    with CaptureQueriesContext(connection) as queries, calendar.memo():
        for _ in range(20):
            calendar.rentree(world.academie.pk, 2025)
            calendar.end_of_classes(world.academie.pk, 2025)
    assert len(queries) == 1
    # Saving a row inside the same request is seen at once.
    with calendar.memo():
        assert calendar.rentree(None, 2025) == dt.date(2025, 9, 1)
        cal = SchoolCalendar.objects.get(academie=None, school_year=2025)
        cal.rentree = dt.date(2025, 9, 2)
        cal.save()
        assert calendar.rentree(None, 2025) == dt.date(2025, 9, 2)


def admin_user(world):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=user, role="administrateur", academie=world.academie)
    return user


def test_an_administrator_edits_the_calendar_in_the_admin(world, client_for):
    """The calendar is really editable (the old /admin/mlds/rentree/ answered 404)."""
    no_calendar()
    client = client_for(admin_user(world))
    assert client.get("/admin/mlds/rentree/").status_code == 404
    assert client.get("/admin/notifications/schoolcalendar/add/").status_code == 200
    response = client.post(
        "/admin/notifications/schoolcalendar/add/",
        {
            "academie": "",
            "school_year": "2026",
            "zone": "",
            "rentree": "2026-09-01",
            "end_of_classes": "2027-07-03",
            "sans_solution_sweep_date": "",
            "exam_sessions-TOTAL_FORMS": "1",
            "exam_sessions-INITIAL_FORMS": "0",
            "exam_sessions-0-exam": "bac",
            "exam_sessions-0-session_year": "2027",
            "exam_sessions-0-results_day": "2027-07-06",
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert calendar.rentree(world.academie.pk, 2026) == dt.date(2026, 9, 1)
    assert calendar.results_day(world.academie.pk, 2027) == dt.date(2027, 7, 6)
    listing = client.get("/admin/notifications/schoolcalendar/").content.decode()
    assert "Calendrier national (toutes les académies)" in listing


def test_admin_refuses_a_session_in_the_wrong_calendar(world, client_for):
    no_calendar()
    client = client_for(admin_user(world))
    response = client.post(
        "/admin/notifications/schoolcalendar/add/",
        {
            "academie": "",
            "school_year": "2026",
            "rentree": "2026-09-01",
            "end_of_classes": "2027-07-03",
            "exam_sessions-TOTAL_FORMS": "1",
            "exam_sessions-INITIAL_FORMS": "0",
            "exam_sessions-0-exam": "bac",
            "exam_sessions-0-session_year": "2026",
            "exam_sessions-0-results_day": "2026-07-07",
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "porte la session 2027" in response.content.decode()
    assert not SchoolCalendar.objects.exists()


def test_missing_dates_are_a_warning_on_the_administrator_dashboard(world, client_for, clock):
    """Missing calendar rows are an explicit warning, not a silent default."""
    clock.at(dt.datetime(2026, 5, 15, 10))
    no_calendar()
    admin = client_for(world.users.admin)
    page = admin.get("/").content.decode()
    assert 'data-testid="calendar-gaps"' in page
    for label in (
        "Rentrée 2025",
        "Fin des cours 2026",
        "Rentrée 2026",  # from 1 May, next year's rentrée is needed
        "Résultats du baccalauréat, session 2025",
        "Résultats du baccalauréat, session 2026",
    ):
        assert label in page
    assert "toutes les académies (calendrier national)" in page
    # Other roles do not get the panel.
    assert 'data-testid="calendar-panel"' not in client_for(world.users.chef_a).get("/").text
    # Filled in: the warning goes.
    school_year(
        2024,
        rentree=dt.date(2024, 9, 2),
        end_of_classes=dt.date(2025, 7, 5),
        results={"bac": dt.date(2025, 7, 4)},
    )
    school_year(
        2025,
        rentree=dt.date(2025, 9, 1),
        end_of_classes=dt.date(2026, 7, 4),
        results={"bac": dt.date(2026, 7, 7)},
    )
    school_year(2026, rentree=dt.date(2026, 9, 1), end_of_classes=dt.date(2027, 7, 3))
    page = admin.get("/").content.decode()
    assert 'data-testid="calendar-complete"' in page


def test_a_gap_names_the_academies_concerned(world, clock):
    clock.at(dt.datetime(2025, 10, 1, 10))
    no_calendar()
    school_year(2025, rentree=dt.date(2025, 9, 1), end_of_classes=dt.date(2026, 7, 4))
    school_year(
        2024,
        rentree=dt.date(2024, 9, 2),
        end_of_classes=dt.date(2025, 7, 5),
        results={"bac": dt.date(2025, 7, 4)},
    )
    assert calendar.calendar_gaps(dt.date(2025, 10, 1)) == []
