from django.db import migrations


class Migration(migrations.Migration):
    """Results days now live in the one school calendar (notifications.ExamSession)."""

    dependencies = [
        ("dossiers", "0002_waiting_list_and_withdrawals"),
        ("notifications", "0006_seed_national_calendar"),
    ]

    operations = [migrations.DeleteModel(name="ResultsDay")]
