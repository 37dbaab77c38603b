"""The national calendar with the dates known for sure, and the dates kept until now in the
re-preparation's "jours des résultats" and the MLDS "dates de rentrée" tables (now one table).

Known dates (domain.md §8 and the national school calendars):
- 2023-2024: rentrée Monday 4 Sept 2023, fin des cours Saturday 6 July 2024; bac results of
  session 2024 on Monday 8 July 2024;
- 2024-2025: rentrée Monday 2 Sept 2024, fin des cours Saturday 5 July 2025; bac results of
  session 2025 on Friday 4 July 2025;
- 2025-2026: rentrée Monday 1 Sept 2025, fin des cours Saturday 4 July 2026.
Later years are entered by an administrator; until then the dashboard says they are missing.
"""

import datetime as dt

from django.db import migrations

NATIONAL = [
    (2023, dt.date(2023, 9, 4), dt.date(2024, 7, 6), {"bac": dt.date(2024, 7, 8)}),
    (2024, dt.date(2024, 9, 2), dt.date(2025, 7, 5), {"bac": dt.date(2025, 7, 4)}),
    (2025, dt.date(2025, 9, 1), dt.date(2026, 7, 4), {}),
]


def first_saturday_of_july(year):
    day = dt.date(year, 7, 1)
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def seed(apps, schema_editor):
    SchoolCalendar = apps.get_model("notifications", "SchoolCalendar")
    ExamSession = apps.get_model("notifications", "ExamSession")
    ResultsDay = apps.get_model("dossiers", "ResultsDay")
    Rentree = apps.get_model("mlds", "Rentree")
    seeded = set()
    for year, rentree, end, results in NATIONAL:
        cal, _ = SchoolCalendar.objects.update_or_create(
            academie=None,
            school_year=year,
            defaults={"rentree": rentree, "end_of_classes": end},
        )
        seeded.add(year)
        for exam, day in results.items():
            ExamSession.objects.update_or_create(
                calendar=cal, exam=exam, session_year=year + 1, defaults={"results_day": day}
            )
    # Rentrées entered in the MLDS table for other years become national rows.
    for row in Rentree.objects.exclude(school_year__in=seeded):
        SchoolCalendar.objects.update_or_create(
            academie=None,
            school_year=row.school_year,
            defaults={
                "rentree": row.date,
                "end_of_classes": first_saturday_of_july(row.school_year + 1),
            },
        )
    # Results days of the re-preparation become the académie's bac results day: the dossiers
    # already opened on that day keep matching the calendar.
    for row in ResultsDay.objects.all():
        cal, _ = SchoolCalendar.objects.get_or_create(
            academie_id=row.academie_id, school_year=row.session_year - 1
        )
        ExamSession.objects.update_or_create(
            calendar=cal,
            exam="bac",
            session_year=row.session_year,
            defaults={"results_day": row.date},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_calendar_national_rows_and_end_of_classes"),
        ("dossiers", "0002_waiting_list_and_withdrawals"),
        ("mlds", "0001_follow_ups"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
