from django.db import migrations


class Migration(migrations.Migration):
    """The paths' log takes the column names of the shared lifecycle log."""

    dependencies = [("prevention", "0002_tdo_partner_kinds_from_directory")]

    operations = [
        migrations.RenameField("pathevent", "from_status", "from_state"),
        migrations.RenameField("pathevent", "to_status", "to_state"),
    ]
