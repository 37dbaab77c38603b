from django.db import models


class SchoolType(models.TextChoices):
    COLLEGE = "college", "Collège"
    LGT = "lgt", "Lycée général et technologique"
    LP = "lp", "Lycée professionnel"
    LPO = "lpo", "Lycée polyvalent"
    EREA = "erea", "EREA"
    CFA = "cfa", "CFA"
    PRIVE_SOUS_CONTRAT = "prive", "Établissement privé sous contrat"
    AGRICOLE = "agricole", "Lycée agricole"


class Voie(models.TextChoices):
    COLLEGE = "college", "Collège"
    GENERALE = "generale", "Voie générale"
    TECHNOLOGIQUE = "technologique", "Voie technologique"
    PROFESSIONNELLE = "professionnelle", "Voie professionnelle"
    APPRENTISSAGE = "apprentissage", "Apprentissage"


class ScopeLevel(models.TextChoices):
    """The structure a role or a report client covers."""

    ETABLISSEMENT = "etablissement", "Établissement"
    BASSIN = "bassin", "Bassin (CIO)"
    RESEAU = "reseau", "Réseau FoQualE"
    DEPARTEMENT = "departement", "Département"
    ACADEMIE = "academie", "Académie"


class PartnerKind(models.TextChoices):
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CFA = "cfa", "CFA"
    E2C = "e2c", "École de la deuxième chance (E2C)"
    AFPA = "afpa", "AFPA"
    GRETA = "greta", "GRETA"
    EPIDE = "epide", "EPIDE"
    REGION = "region", "Région (DRE, SPRO)"
    ASSOCIATION = "association", "Association"
    ENTREPRISE = "entreprise", "Entreprise"
    AUTRE = "autre", "Autre"
