from django.db import migrations


class Migration(migrations.Migration):
    """Rentrée dates now live in the one school calendar (notifications.SchoolCalendar)."""

    dependencies = [
        ("mlds", "0001_follow_ups"),
        ("notifications", "0006_seed_national_calendar"),
    ]

    operations = [migrations.DeleteModel(name="Rentree")]
