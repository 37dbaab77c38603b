from django.db import models

from territories.enums import Voie  # noqa: F401  (re-exported: the pupil's voie)


class Sex(models.TextChoices):
    F = "F", "Féminin"
    M = "M", "Masculin"


class Level(models.TextChoices):
    SIXIEME = "6E", "6e"
    CINQUIEME = "5E", "5e"
    QUATRIEME = "4E", "4e"
    TROISIEME = "3E", "3e"
    SECONDE_GT = "2GT", "Seconde générale et technologique"
    PREMIERE_G = "1G", "Première générale"
    PREMIERE_T = "1T", "Première technologique"
    TERMINALE_G = "TG", "Terminale générale"
    TERMINALE_T = "TT", "Terminale technologique"
    SECONDE_PRO = "2PRO", "Seconde professionnelle"
    PREMIERE_PRO = "1PRO", "Première professionnelle"
    TERMINALE_PRO = "TPRO", "Terminale professionnelle"
    CAP1 = "CAP1", "1re année de CAP"
    CAP2 = "CAP2", "2e année de CAP"
    BTS1 = "BTS1", "1re année de BTS"
    BTS2 = "BTS2", "2e année de BTS"
    AUTRE = "AUTRE", "Autre"


class ExitReason(models.TextChoices):
    FIN_CYCLE = "fin_cycle", "Fin de cycle"
    CHANGEMENT_ETABLISSEMENT = "changement", "Changement d'établissement"
    DEMENAGEMENT = "demenagement", "Déménagement"
    APPRENTISSAGE = "apprentissage", "Départ en apprentissage"
    EMPLOI = "emploi", "Entrée dans l'emploi"
    ABANDON = "abandon", "Abandon en cours d'année"
    FIN_ETUDES = "fin_etudes", "Fin d'études sans poursuite connue"
    AUTRE = "autre", "Autre"


class ResponsibilityLevel(models.IntegerChoices):
    """SIECLE's NIVEAU_RESPONSABILITE (Nomenclature, NIVEAUX_RESPONSABILITE)."""

    LEGAL = 1, "Représentant légal"
    IN_CHARGE = 2, "Personne en charge"
    CONTACT = 3, "Personne à contacter"


class AgeBand(models.TextChoices):
    UNDER_16 = "moins_16", "Moins de 16 ans (instruction obligatoire)"
    FROM_16_TO_18 = "16_18", "16 à 18 ans (obligation de formation)"
    ADULT = "majeur", "18 ans et plus"


class LegalStatus(models.TextChoices):
    COMPULSORY_INSTRUCTION = "instruction", "Instruction obligatoire (moins de 16 ans)"
    OBLIGATION_FORMATION = "obligation_formation", "Obligation de formation (16 à 18 ans)"
    ADULT = "majeur", "Majeur"
