"""The directory takes its territories table names; a partner may serve a whole académie (no
département, as FoQualE partners could), and its kinds are the union of the three lists."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0004_partner_directory_from_mlds"),
        ("mlds", "0004_partners_in_territories"),
    ]

    operations = [
        migrations.AlterModelTable(name="partner", table=None),
        migrations.AlterModelTable(name="partnercontact", table=None),
        migrations.AlterField(
            model_name="partner",
            name="departement",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="territories.departement", verbose_name="département"),
        ),
        migrations.AlterField(
            model_name="partner",
            name="partner_type",
            field=models.CharField(choices=[('mission_locale', 'Mission locale'), ('cio', 'CIO'), ('cfa', 'CFA'), ('e2c', 'École de la deuxième chance (E2C)'), ('epide', 'EPIDE'), ('afpa', 'AFPA'), ('greta', 'GRETA'), ('service_civique', "Structure d'accueil de service civique"), ('prepa_apprentissage', 'Prépa apprentissage'), ('micro_lycee', 'Micro-lycée'), ('spro', "Région : service public régional de l'orientation (SPRO, DRE)"), ('operateur_emploi', "Opérateur public de l'emploi (France Travail…)"), ('association', 'Association'), ('entreprise', 'Entreprise'), ('autre', 'Autre')], max_length=30, verbose_name="type"),
        ),
        migrations.AddField(
            model_name="network",
            name="directory_partners",
            field=models.ManyToManyField(blank=True, related_name="networks", to="territories.partner", verbose_name="partenaires"),
        ),
    ]
