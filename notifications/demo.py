"""Demo: the académie's calendar, a few illustrative deadlines if no app made any, a sweep."""

import datetime as dt

from accounts.enums import Role
from accounts.models import RoleAssignment
from students.models import Student
from territories.models import Academie

from . import calendar, registry, services
from .enums import ClosureKind, Zone
from .models import CalendarClosure, Deadline, SchoolCalendar


def _seed_current_year(academie, today: dt.date):
    """The school year of `today` when it is not 2025-2026: rentrée and public holidays only
    (school holidays to be entered in the admin)."""
    year = today.year if today.month >= 9 else today.year - 1
    if year == 2025:
        return
    cal, created = SchoolCalendar.objects.get_or_create(
        academie=academie,
        school_year=year,
        defaults={"zone": Zone.C, "rentree": calendar.next_working_day(dt.date(year, 9, 1))},
    )
    if not created:
        return
    start, end = dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
    CalendarClosure.objects.bulk_create(
        [
            CalendarClosure(
                calendar=cal,
                kind=ClosureKind.PUBLIC_HOLIDAY,
                name=name,
                start_date=day,
                end_date=day,
            )
            for y in (year, year + 1)
            for day, name in calendar.french_public_holidays(y).items()
            if start <= day <= end
        ]
    )


def _illustrative_deadlines(today: dt.date, stdout):
    """Only when no app's deadline is overdue yet: three pupils of the demo chef's school, one
    entretien overdue (escalated to the CIO director), one due soon, one suspended case."""
    if Deadline.objects.overdue(today).exclude(kind__startswith="age_").exists():
        return
    chef = RoleAssignment.objects.filter(
        role=Role.CHEF_ETABLISSEMENT, user__username="chef.lycee"
    ).first()
    if chef is None:
        return
    pupils = list(Student.objects.filter(current_school_id=chef.etablissement_id)[:3])
    plans = [
        # Kinds registered by the re-preparation and prevention apps.
        ("entretien_situation", today - dt.timedelta(days=4)),
        ("gpds_revue", today + dt.timedelta(days=2)),
        ("famille_informee", today),
    ]
    for pupil, (kind, due) in zip(pupils, plans, strict=False):
        services.sync_deadlines(
            subject=pupil,
            specs=[
                services.DeadlineSpec(
                    kind=kind,
                    label=f"{registry.kind_label(kind)} — {pupil}",
                    url=f"/eleves/{pupil.public_id}/",
                    due_date=due,
                    student_id=pupil.pk,
                    school_id=chef.etablissement_id,
                    departement_id=pupil.current_school.departement_id,
                )
            ],
        )
    if len(pupils) == 3:
        services.suspend_reminders(
            subject=pupils[2], by=chef.user, reason="Famille en déplacement jusqu'à la fin du mois"
        )
    stdout.write(f"  {len(pupils)} échéance(s) d'illustration créée(s).")


def build(*, today: dt.date, stdout) -> None:
    seeded = False
    for academie in Academie.objects.all():
        if SchoolCalendar.objects.filter(academie=academie).exists():
            continue  # the demo loader wrote the académie's calendar (demo/school_calendar.py)
        calendar.seed_calendar_2025_2026(academie=academie, zone=Zone.C)
        _seed_current_year(academie, today)
        seeded = True
    _illustrative_deadlines(today, stdout)
    result = services.run_daily_sweep(today=today)
    if seeded:
        stdout.write("  Calendrier 2025-2026 chargé.")
    stdout.write(
        f"  Balayage du {today:%d/%m/%Y} : {result.reminders_created} rappel(s), "
        f"{result.age_deadlines_created} échéance(s) d'âge."
    )
