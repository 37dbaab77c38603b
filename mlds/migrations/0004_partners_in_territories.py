"""The PSAD partners now live in the one directory (territories): same tables, same ids."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mlds", "0003_droit_retour_highest_diploma"),
        ("territories", "0004_partner_directory_from_mlds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="followup",
                    name="solution_partner",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="follow_ups", to="territories.partner", verbose_name="structure partenaire"),
                ),
                migrations.AlterField(
                    model_name="jointreview",
                    name="partner",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="territories.partner", verbose_name="avec la structure"),
                ),
                migrations.AlterField(
                    model_name="ambitionemploi",
                    name="partners",
                    field=models.ManyToManyField(blank=True, related_name="ambition_emploi", to="territories.partner", verbose_name="partenaires"),
                ),
                migrations.DeleteModel(name="PartnerContact"),
                migrations.DeleteModel(name="Partner"),
            ],
            database_operations=[],
        ),
    ]
