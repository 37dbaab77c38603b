"""A TDO partner is named with the kinds of the one partner directory (same values)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="tdo",
            name="partner_kind",
            field=models.CharField(blank=True, choices=[('mission_locale', 'Mission locale'), ('cio', 'CIO'), ('cfa', 'CFA'), ('e2c', 'École de la deuxième chance (E2C)'), ('epide', 'EPIDE'), ('afpa', 'AFPA'), ('greta', 'GRETA'), ('service_civique', "Structure d'accueil de service civique"), ('prepa_apprentissage', 'Prépa apprentissage'), ('micro_lycee', 'Micro-lycée'), ('spro', "Région : service public régional de l'orientation (SPRO, DRE)"), ('operateur_emploi', "Opérateur public de l'emploi (France Travail…)"), ('association', 'Association'), ('entreprise', 'Entreprise'), ('autre', 'Autre')], max_length=30, verbose_name="structure partenaire"),
        ),
    ]
