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
