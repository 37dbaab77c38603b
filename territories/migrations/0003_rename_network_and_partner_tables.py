"""Give the moved tables (and the network's many-to-many tables) their territories names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_network_and_partner_from_foquale"),
        ("foquale", "0004_network_and_partner_to_territories"),
    ]

    operations = [
        migrations.AlterModelTable(name="partner", table=None),
        migrations.AlterModelTable(name="network", table=None),
    ]
