"""Beat schedule of the precomputed steering figures (django_celery_beat's DatabaseScheduler):
an incremental refresh every 15 minutes, a full one each morning."""

import json

from django.db import migrations

SCHEDULE = [
    # (name, kwargs, minute, hour)
    ("Indicateurs : mise à jour incrémentale", {}, "*/15", "*"),
    ("Indicateurs : recalcul complet", {"full": True}, "0", "5"),
]
TASK = "reports.refresh_indicators"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, kwargs, minute, hour in SCHEDULE:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Paris",
        )
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                "task": TASK,
                "crontab": crontab,
                "interval": None,
                "args": json.dumps([]),
                "kwargs": json.dumps(kwargs),
                "enabled": True,
            },
        )
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[row[0] for row in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_dropout_summary"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
