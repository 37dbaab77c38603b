"""Actions keep only their directory partner (a migration of its own: PostgreSQL refuses to
alter a table with the rows 0005 just wrote still pending their constraint checks)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("foquale", "0005_partners_from_directory")]

    operations = [
        migrations.RemoveField(model_name="remediationaction", name="partner"),
        migrations.RenameField(
            model_name="remediationaction", old_name="directory_partner", new_name="partner"
        ),
    ]
