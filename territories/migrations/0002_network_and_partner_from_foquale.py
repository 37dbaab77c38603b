"""The FoQualE network is a perimeter like a bassin: its model moves here from foquale.

State only: the tables keep their rows and ids; 0003 renames them."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('foquale', '0003_network_public_id_unique'),
        ('territories', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Partner',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='nom')),
                        ('kind', models.CharField(choices=[('mission_locale', 'Mission locale'), ('cfa', 'CFA'), ('e2c', 'École de la deuxième chance (E2C)'), ('afpa', 'AFPA'), ('greta', 'GRETA'), ('epide', 'EPIDE'), ('region', 'Région (DRE, SPRO)'), ('association', 'Association'), ('entreprise', 'Entreprise'), ('autre', 'Autre')], max_length=20, verbose_name='type')),
                        ('contact_name', models.CharField(blank=True, max_length=150, verbose_name='contact')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='courriel')),
                        ('phone', models.CharField(blank=True, max_length=30, verbose_name='téléphone')),
                    ],
                    options={
                        'verbose_name': 'partenaire',
                        'db_table': 'foquale_partner',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Network',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=200, verbose_name='nom')),
                        ('departements', models.ManyToManyField(related_name='foquale_networks', to='territories.departement', verbose_name='départements')),
                        ('head_school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='headed_networks', to='territories.etablissement', verbose_name='établissement support')),
                        ('mlds_coordinator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='foquale_networks_coordinated', to=settings.AUTH_USER_MODEL, verbose_name='coordonnateur MLDS')),
                        ('schools', models.ManyToManyField(related_name='foquale_networks', to='territories.etablissement', verbose_name='établissements membres')),
                        ('partners', models.ManyToManyField(blank=True, related_name='networks', to='territories.partner', verbose_name='partenaires')),
                    ],
                    options={
                        'verbose_name': 'réseau FoQualE',
                        'db_table': 'foquale_network',
                        'verbose_name_plural': 'réseaux FoQualE',
                        'ordering': ['name'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
