from django.db import migrations


class Migration(migrations.Migration):
    """The calls' and projects' logs take the column names of the shared lifecycle log."""

    dependencies = [("foquale", "0006_action_partner_from_directory")]

    operations = [
        migrations.RenameField("calltransition", "from_status", "from_state"),
        migrations.RenameField("calltransition", "to_status", "to_state"),
        migrations.RenameField("projecttransition", "from_status", "from_state"),
        migrations.RenameField("projecttransition", "to_status", "to_state"),
    ]
