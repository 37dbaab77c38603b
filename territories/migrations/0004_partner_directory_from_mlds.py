"""One partner directory: the MLDS partner table (the richest, with its contacts) becomes
territories.Partner, ids kept (state only here); FoQualE's partners step aside as
FoqualePartner until their rows are folded in (foquale 0005)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0003_rename_network_and_partner_tables"),
        ("mlds", "0003_droit_retour_highest_diploma"),
        ("foquale", "0004_network_and_partner_to_territories"),
    ]

    operations = [
        migrations.RenameModel("Partner", "FoqualePartner"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Partner",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("name", models.CharField(max_length=200, verbose_name="nom")),
                        ("partner_type", models.CharField(choices=[('mission_locale', 'Mission locale'), ('cio', 'CIO'), ('cfa', 'CFA'), ('e2c', 'École de la deuxième chance'), ('epide', 'EPIDE'), ('afpa', 'AFPA'), ('greta', 'GRETA'), ('service_civique', "Structure d'accueil de service civique"), ('micro_lycee', 'Micro-lycée'), ('spro', "Service public régional de l'orientation (SPRO)"), ('operateur_emploi', "Opérateur public de l'emploi (France Travail…)"), ('association', 'Association'), ('autre', 'Autre')], max_length=30, verbose_name="type")),
                        ("psad", models.CharField(blank=True, help_text="Plate-forme de suivi et d'appui à laquelle la structure participe.", max_length=200, verbose_name="PSAD")),
                        ("territory", models.CharField(blank=True, help_text="Communes ou bassins couverts.", max_length=250, verbose_name="territoire couvert")),
                        ("address", models.CharField(blank=True, max_length=250, verbose_name="adresse")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="courriel")),
                        ("phone", models.CharField(blank=True, max_length=30, verbose_name="téléphone")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("departement", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="territories.departement", verbose_name="département")),
                    ],
                    options={
                        "db_table": "mlds_partner",
                        "verbose_name": "structure partenaire",
                        "verbose_name_plural": "structures partenaires",
                        "ordering": ["name"],
                        "constraints": [
                            models.UniqueConstraint(fields=("departement", "partner_type", "name"), name="mlds_partner_unique_name"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PartnerContact",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=150, verbose_name="nom")),
                        ("function", models.CharField(blank=True, max_length=150, verbose_name="fonction")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="courriel")),
                        ("phone", models.CharField(blank=True, max_length=30, verbose_name="téléphone")),
                        ("partner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="contacts", to="territories.partner", verbose_name="structure")),
                    ],
                    options={
                        "db_table": "mlds_partnercontact",
                        "verbose_name": "contact",
                        "ordering": ["name", "id"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
