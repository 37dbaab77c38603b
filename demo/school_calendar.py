"""The demo académie's calendar, written relative to the day the demo is loaded.

A newcomer must be able to play every journey on the day they try the demo: the results of the
last bac session came out a few days ago, the rentrée that ends the re-preparation right is
still ahead, nothing is overdue yet. So the demo académie has a fictional calendar: the real
holidays and public holidays, default rentrées and ends of classes, and its own results day
(five days before loading) and, when the real rentrée has passed, a later rentrée (within the
same calendar year, as the calendar requires). Everything stays editable in the admin.
"""

import datetime as dt

from notifications import calendar
from notifications.enums import ClosureKind, ExamKind, Zone
from notifications.models import CalendarClosure, ExamSession, SchoolCalendar

RESULTS_DAYS_AGO = 5
RENTREE_WEEKS_AHEAD = 3


def demo_dates(today: dt.date) -> dict[str, dt.date | int]:
    """The session whose results the demo shows, its results day and the rentrée after it."""
    session = today.year
    results_day = max(today - dt.timedelta(days=RESULTS_DAYS_AGO), dt.date(session, 1, 1))
    real_rentree = calendar.default_rentree(session)
    rentree = real_rentree
    if today + dt.timedelta(days=7) >= real_rentree:
        ahead = today + dt.timedelta(weeks=RENTREE_WEEKS_AHEAD)
        rentree = max(real_rentree, min(ahead, dt.date(session, 12, 31)))
    return {"session": session, "results_day": results_day, "rentree": rentree}


def write_calendar(*, academie, today: dt.date) -> dict[str, dt.date | int]:
    """School years session-1 and session (the one ending with the results, the next one)."""
    dates = demo_dates(today)
    session = dates["session"]
    if session - 1 == 2025 or session == 2025:
        calendar.seed_calendar_2025_2026(academie=academie, zone=Zone.C)
    for year in (session - 1, session):
        rentree = dates["rentree"] if year == session else calendar.default_rentree(year)
        row, created = SchoolCalendar.objects.get_or_create(
            academie=academie, school_year=year, defaults={"zone": Zone.C}
        )
        row.rentree = rentree
        row.end_of_classes = row.end_of_classes or calendar.default_end_of_classes(year)
        row.save()
        if created:
            _public_holidays(row)
    closing = SchoolCalendar.objects.get(academie=academie, school_year=session - 1)
    for exam in ExamKind.values:
        ExamSession.objects.update_or_create(
            calendar=closing,
            exam=exam,
            session_year=session,
            defaults={"results_day": dates["results_day"]},
        )
    calendar.forget()
    return dates


def _public_holidays(row: SchoolCalendar) -> None:
    start, end = dt.date(row.school_year, 9, 1), dt.date(row.school_year + 1, 8, 31)
    CalendarClosure.objects.bulk_create(
        [
            CalendarClosure(
                calendar=row,
                kind=ClosureKind.PUBLIC_HOLIDAY,
                name=name,
                start_date=day,
                end_date=day,
            )
            for year in (row.school_year, row.school_year + 1)
            for day, name in calendar.french_public_holidays(year).items()
            if start <= day <= end
        ]
    )
