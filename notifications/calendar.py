"""Working days and campaign dates, read from the académie's calendar (`SchoolCalendar`)."""

import datetime as dt
from functools import lru_cache

from django.db.models import Q

from . import conf
from .enums import ClosureKind, ExamKind, Zone
from .models import CalendarClosure, ExamSession, SchoolCalendar


def easter_sunday(year: int) -> dt.date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    la = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * la) // 451
    month, day = divmod(h + la - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def french_public_holidays(year: int) -> dict[dt.date, str]:
    """Jours fériés of metropolitan France (code du travail L.3133-1)."""
    easter = easter_sunday(year)
    return {
        dt.date(year, 1, 1): "Jour de l'an",
        easter + dt.timedelta(days=1): "Lundi de Pâques",
        dt.date(year, 5, 1): "Fête du Travail",
        dt.date(year, 5, 8): "Victoire 1945",
        easter + dt.timedelta(days=39): "Ascension",
        easter + dt.timedelta(days=50): "Lundi de Pentecôte",
        dt.date(year, 7, 14): "Fête nationale",
        dt.date(year, 8, 15): "Assomption",
        dt.date(year, 11, 1): "Toussaint",
        dt.date(year, 11, 11): "Armistice 1918",
        dt.date(year, 12, 25): "Noël",
    }


def closed_academies(day: dt.date) -> set[int]:
    """Académies whose calendar marks `day` closed (one query, whatever the number of them)."""
    kinds = [ClosureKind.PUBLIC_HOLIDAY]
    if conf.school_holidays_are_non_working():
        kinds.append(ClosureKind.SCHOOL_HOLIDAY)
    return set(
        CalendarClosure.objects.filter(
            kind__in=kinds, start_date__lte=day, end_date__gte=day
        ).values_list("calendar__academie_id", flat=True)
    )


def is_working_day(day: dt.date, academie_id: int | None = None) -> bool:
    """Monday to Friday, not a public holiday, not closed in the académie's calendar."""
    if day.weekday() >= 5 or day in french_public_holidays(day.year):
        return False
    if academie_id is None:
        return True
    return academie_id not in closed_academies(day)


def next_working_day(day: dt.date, academie_id: int | None = None) -> dt.date:
    while not is_working_day(day, academie_id):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, days: int, academie_id: int | None = None) -> dt.date:
    """`days` working days after `day` (entretien "a few working days" after results day)."""
    while days > 0:
        day = next_working_day(day + dt.timedelta(days=1), academie_id)
        days -= 1
    return day


def calendar_for(academie_id: int, school_year: int) -> SchoolCalendar | None:
    return SchoolCalendar.objects.filter(academie_id=academie_id, school_year=school_year).first()


def rentree(academie_id: int, school_year: int) -> dt.date | None:
    cal = calendar_for(academie_id, school_year)
    return cal.rentree if cal else None


def sans_solution_sweep_date(academie_id: int, school_year: int) -> dt.date | None:
    """When pupils still without a solution are swept, before the rentrée of `school_year`.

    The calendar's explicit date, else the rentrée minus
    NOTIFICATIONS_SANS_SOLUTION_DAYS_BEFORE_RENTREE days; None without a calendar.
    """
    cal = calendar_for(academie_id, school_year)
    if cal is None:
        return None
    if cal.sans_solution_sweep_date:
        return cal.sans_solution_sweep_date
    return cal.rentree - dt.timedelta(days=conf.sans_solution_days_before_rentree())


def results_day(academie_id: int, session_year: int, exam: str = ExamKind.BAC) -> dt.date | None:
    """Publication of the results of `exam`'s session `session_year` in the académie."""
    return (
        ExamSession.objects.filter(
            calendar__academie_id=academie_id, exam=exam, session_year=session_year
        )
        .values_list("results_day", flat=True)
        .first()
    )


def is_results_day(day: dt.date) -> bool:
    return ExamSession.objects.filter(results_day=day).exists()


# Official calendar 2025-2026 (arrêté du 2 août 2023 modifié); "last day" is the day before
# classes resume. Editable in the admin.
HOLIDAYS_2025_2026 = {
    "common": [
        ("Vacances de la Toussaint", dt.date(2025, 10, 18), dt.date(2025, 11, 2)),
        ("Vacances de Noël", dt.date(2025, 12, 20), dt.date(2026, 1, 4)),
        ("Pont de l'Ascension", dt.date(2026, 5, 14), dt.date(2026, 5, 17)),
        ("Vacances d'été", dt.date(2026, 7, 4), dt.date(2026, 8, 31)),
    ],
    Zone.A: [
        ("Vacances d'hiver", dt.date(2026, 2, 7), dt.date(2026, 2, 22)),
        ("Vacances de printemps", dt.date(2026, 4, 4), dt.date(2026, 4, 19)),
    ],
    Zone.B: [
        ("Vacances d'hiver", dt.date(2026, 2, 14), dt.date(2026, 3, 1)),
        ("Vacances de printemps", dt.date(2026, 4, 11), dt.date(2026, 4, 26)),
    ],
    Zone.C: [
        ("Vacances d'hiver", dt.date(2026, 2, 21), dt.date(2026, 3, 8)),
        ("Vacances de printemps", dt.date(2026, 4, 18), dt.date(2026, 5, 3)),
    ],
}


def seed_calendar_2025_2026(*, academie, zone: str = Zone.C) -> SchoolCalendar:
    """The 2025-2026 calendar of `academie` (idempotent). Results days of session 2026 are
    [UNCERTAIN]: set to early July as in 2025 (4 July 2025, domain.md §8); edit in the admin."""
    cal, _ = SchoolCalendar.objects.update_or_create(
        academie=academie,
        school_year=2025,
        defaults={"zone": zone, "rentree": dt.date(2025, 9, 1)},
    )
    cal.closures.all().delete()
    rows = [
        CalendarClosure(
            calendar=cal, kind=ClosureKind.SCHOOL_HOLIDAY, name=n, start_date=s, end_date=e
        )
        for n, s, e in [*HOLIDAYS_2025_2026["common"], *HOLIDAYS_2025_2026.get(zone, [])]
    ]
    for year in (2025, 2026):
        for day, name in french_public_holidays(year).items():
            if dt.date(2025, 9, 1) <= day <= dt.date(2026, 8, 31):
                rows.append(
                    CalendarClosure(
                        calendar=cal,
                        kind=ClosureKind.PUBLIC_HOLIDAY,
                        name=name,
                        start_date=day,
                        end_date=day,
                    )
                )
    CalendarClosure.objects.bulk_create(rows)
    for exam, day in [
        (ExamKind.BAC, dt.date(2026, 7, 7)),
        (ExamKind.CAP, dt.date(2026, 7, 3)),
        (ExamKind.BTS, dt.date(2026, 7, 3)),
        (ExamKind.DNB, dt.date(2026, 7, 8)),
    ]:
        ExamSession.objects.update_or_create(
            calendar=cal, exam=exam, session_year=2026, defaults={"results_day": day}
        )
    # The session 2025 results (4 July 2025) opened the re-preparation leading to this rentrée.
    ExamSession.objects.update_or_create(
        calendar=cal,
        exam=ExamKind.BAC,
        session_year=2025,
        defaults={"results_day": dt.date(2025, 7, 4)},
    )
    return cal


def closures_between(academie_id: int, start: dt.date, end: dt.date):
    return CalendarClosure.objects.filter(
        Q(start_date__lte=end) & Q(end_date__gte=start), calendar__academie_id=academie_id
    )
