from django.db import migrations


class Migration(migrations.Migration):
    """The three MLDS logs take the column names of the shared lifecycle log."""

    dependencies = [("mlds", "0004_partners_in_territories")]

    operations = [
        migrations.RenameField("followuplog", "from_status", "from_state"),
        migrations.RenameField("followuplog", "to_status", "to_state"),
        migrations.RenameField("droitretourlog", "from_status", "from_state"),
        migrations.RenameField("droitretourlog", "to_status", "to_state"),
        migrations.RenameField("ambitionemploilog", "from_status", "from_state"),
        migrations.RenameField("ambitionemploilog", "to_status", "to_state"),
    ]
