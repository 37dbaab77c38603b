"""Working days and campaign dates, read from the académie's calendar (`SchoolCalendar`)."""

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from . import conf, rules
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


# --- The one calendar: rentrée, end of classes, results days ---------------------------------
#
# Every app reads its dates here. For an académie, a date comes from the académie's row of the
# school year, else from the national row (académie left empty), else from a default (a rule on
# « Règles en vigueur ») — and `calendar_gaps()` lists those defaults on the administrator's
# dashboard. Lookups load a whole school year at once; within `memo()` (each web request, see
# CalendarMemoMiddleware) they are kept, so a list page costs the same whatever its length.

_memo: ContextVar[dict | None] = ContextVar("calendar_memo", default=None)

ACADEMIE, NATIONAL, DEFAULT = "academie", "national", "defaut"


@contextmanager
def memo():
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def forget() -> None:
    """Drop what the current memo holds (called when a calendar row is saved)."""
    cache = _memo.get()
    if cache is not None:
        cache.clear()


def _memoized(key, load):
    cache = _memo.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def _year_rows(school_year: int) -> dict[int | None, SchoolCalendar]:
    return _memoized(
        ("year", school_year),
        lambda: {c.academie_id: c for c in SchoolCalendar.objects.filter(school_year=school_year)},
    )


def _session_days(session_year: int) -> dict[tuple[int | None, str], dt.date]:
    return _memoized(
        ("session", session_year),
        lambda: {
            (academie_id, exam): day
            for academie_id, exam, day in ExamSession.objects.filter(
                session_year=session_year
            ).values_list("calendar__academie_id", "exam", "results_day")
        },
    )


def academie_of(departement_id: int | None) -> int | None:
    """The académie of a département (the calendar is per académie; cases know a school)."""
    from territories.models import Departement

    if departement_id is None:
        return None
    if _memo.get() is None:
        return (
            Departement.objects.filter(pk=departement_id)
            .values_list("academie_id", flat=True)
            .first()
        )
    every = _memoized(
        "departements", lambda: dict(Departement.objects.values_list("id", "academie_id"))
    )
    return every.get(departement_id)


def _levels(academie_id) -> list[tuple[int | None, str]]:
    """Where to look, most specific first: the académie's row, then the national row."""
    return [(academie_id, ACADEMIE), (None, NATIONAL)] if academie_id else [(None, NATIONAL)]


def _field(academie_id, school_year: int, name: str) -> tuple[dt.date | None, str]:
    rows = _year_rows(school_year)
    for key, source in _levels(academie_id):
        value = getattr(rows.get(key), name, None)
        if value is not None:
            return value, source
    return None, DEFAULT


def _first_weekday_from(day: dt.date, weekdays) -> dt.date:
    while day.weekday() not in weekdays:
        day += dt.timedelta(days=1)
    return day


def default_rentree(school_year: int) -> dt.date:
    month, day = rules.DEFAULT_RENTREE()
    return _first_weekday_from(dt.date(school_year, month, day), range(5))


def default_end_of_classes(school_year: int) -> dt.date:
    month, day = rules.DEFAULT_END_OF_CLASSES()
    return _first_weekday_from(dt.date(school_year + 1, month, day), (5,))


def rentree_with_source(academie_id: int | None, school_year: int) -> tuple[dt.date, str]:
    day, source = _field(academie_id, school_year, "rentree")
    return (day, source) if day else (default_rentree(school_year), DEFAULT)


def end_of_classes_with_source(academie_id: int | None, school_year: int) -> tuple[dt.date, str]:
    day, source = _field(academie_id, school_year, "end_of_classes")
    return (day, source) if day else (default_end_of_classes(school_year), DEFAULT)


def rentree(academie_id: int | None, school_year: int) -> dt.date:
    """Rentrée des élèves of `school_year` (2025 → 2025-2026) in the académie."""
    return rentree_with_source(academie_id, school_year)[0]


def end_of_classes(academie_id: int | None, school_year: int) -> dt.date:
    """Fin des cours of `school_year` (2025 → early July 2026) in the académie."""
    return end_of_classes_with_source(academie_id, school_year)[0]


def school_year_running(academie_id: int | None, day: dt.date) -> int:
    """The school year whose classes are running on `day`, or the next one to start.

    From the day after the end of classes, the coming school year: a path planned in August
    belongs to the year starting in September.
    """
    year = day.year if day.month >= 9 else day.year - 1
    if day >= rentree(academie_id, year + 1):
        return year + 1
    if day > end_of_classes(academie_id, year):
        return year + 1
    return year


def sans_solution_sweep_date(academie_id: int | None, school_year: int) -> dt.date:
    """When pupils still without a solution are swept, before the rentrée of `school_year`.

    The calendar's explicit date (académie, then national), else the rentrée minus
    NOTIFICATIONS_SANS_SOLUTION_DAYS_BEFORE_RENTREE days.
    """
    day, _source = _field(academie_id, school_year, "sans_solution_sweep_date")
    if day:
        return day
    return rentree(academie_id, school_year) - dt.timedelta(
        days=conf.sans_solution_days_before_rentree()
    )


def results_day_with_source(
    academie_id: int | None, session_year: int, exam: str = ExamKind.BAC
) -> tuple[dt.date, str]:
    """Publication of the results of `exam`'s session `session_year` in the académie.

    The exam's own day (académie, then national), else the baccalauréat's day of the same
    session, else the default day (CALENDAR_DEFAULT_RESULTS_DAY).
    """
    days = _session_days(session_year)
    for kind in dict.fromkeys((exam, ExamKind.BAC)):
        for key, source in _levels(academie_id):
            day = days.get((key, kind))
            if day is not None:
                return day, source
    month, day = rules.DEFAULT_RESULTS_DAY()
    return dt.date(session_year, month, day), DEFAULT


def results_day(academie_id: int | None, session_year: int, exam: str = ExamKind.BAC) -> dt.date:
    return results_day_with_source(academie_id, session_year, exam)[0]


def last_session_year(academie_id: int | None, today: dt.date) -> int:
    """The last exam session whose results are out on `today` (2025 from 4 July 2025)."""
    if today >= results_day(academie_id, today.year):
        return today.year
    return today.year - 1


def is_results_day(day: dt.date) -> bool:
    return ExamSession.objects.filter(results_day=day).exists()


@dataclass(frozen=True)
class CalendarGap:
    """A date the calendar lacks: the default is applied until an administrator enters it."""

    label: str
    default: dt.date
    academies: tuple[str, ...]  # empty: every académie (the national row is missing too)


def calendar_gaps(today: dt.date) -> list[CalendarGap]:
    """Dates in use now that no calendar row gives, for the administrator's dashboard.

    The current school year's rentrée and end of classes; the next school year's from 1 May
    (the re-preparation right runs to the next rentrée from results day); the bac results day
    of the session that opened this year's re-preparation, and of the coming session from
    1 May.
    """
    from territories.models import Academie

    current = today.year if today.month >= 9 else today.year - 1
    years = [current]
    if today >= dt.date(current + 1, 5, 1):
        years.append(current + 1)
    sessions = [current]
    if today >= dt.date(current + 1, 5, 1):
        sessions.append(current + 1)
    academies = list(Academie.objects.order_by("name").values_list("id", "name"))
    gaps = []

    def add(label, resolve):
        default = None
        missing = []
        for academie_id, name in academies or [(None, "")]:
            day, source = resolve(academie_id)
            if source == DEFAULT:
                default = day
                missing.append(name)
        if missing:
            everywhere = len(missing) == len(academies or [None])
            gaps.append(CalendarGap(label, default, () if everywhere else tuple(missing)))

    with memo():
        for year in years:
            add(
                f"Rentrée {year}",
                lambda a, y=year: rentree_with_source(a, y),
            )
            add(
                f"Fin des cours {year + 1} (année {year}-{year + 1})",
                lambda a, y=year: end_of_classes_with_source(a, y),
            )
        for session in sessions:
            add(
                f"Résultats du baccalauréat, session {session}",
                lambda a, s=session: results_day_with_source(a, s),
            )
    return gaps


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
        defaults={
            "zone": zone,
            "rentree": dt.date(2025, 9, 1),
            "end_of_classes": dt.date(2026, 7, 4),
        },
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
    return cal
