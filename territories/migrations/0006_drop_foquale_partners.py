"""Networks list their partners from the one directory; the FoQualE-only table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0005_partner_directory_tables"),
        ("foquale", "0006_action_partner_from_directory"),
    ]

    operations = [
        migrations.RemoveField(model_name="network", name="partners"),
        migrations.RenameField(
            model_name="network", old_name="directory_partners", new_name="partners"
        ),
        migrations.DeleteModel(name="FoqualePartner"),
    ]
