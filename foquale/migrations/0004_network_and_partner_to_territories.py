"""Networks and partners now live in territories (state only: tables and rows kept)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_network_in_territories'),
        ('foquale', '0003_network_public_id_unique'),
        ('reports', '0004_network_in_territories'),
        ('territories', '0002_network_and_partner_from_foquale'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='remediationaction',
                    name='network',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='territories.network', verbose_name='réseau'),
                ),
                migrations.AlterField(
                    model_name='remediationaction',
                    name='partner',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='territories.partner', verbose_name='partenaire'),
                ),
                migrations.DeleteModel(
                    name='Network',
                ),
                migrations.DeleteModel(
                    name='Partner',
                ),
            ],
            database_operations=[],
        ),
    ]
