"""Report clients scoped to a FoQualE network point at its new home (same table, same ids)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_schedule_indicator_refresh'),
        ('territories', '0002_network_and_partner_from_foquale'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='apiclient',
                    name='network',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='territories.network', verbose_name='réseau FoQualE'),
                ),
            ],
            database_operations=[],
        ),
    ]
