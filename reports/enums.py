from django.db import models


class ClientRights(models.TextChoices):
    AGGREGATES = "agregats", "Agrégats seulement (cellules de moins de 5 élèves masquées)"
    NOMINATIVE_READ = "lecture_nominative", "Lecture nominative"
    READ_WRITE = "lecture_ecriture", "Lecture et écriture"


class TerritoryLevel(models.TextChoices):
    ACADEMIE = "academie", "Académie"
    DEPARTEMENT = "departement", "Département"
    BASSIN = "bassin", "Bassin"
    RESEAU = "reseau", "Réseau FoQualE"
    ETABLISSEMENT = "etablissement", "Établissement"


class Dimension(models.TextChoices):
    VOIE = "voie", "Voie"
    NIVEAU = "niveau", "Niveau"
    ANNEE = "annee", "Année scolaire"
