from django.db import models

from territories.enums import PartnerKind  # noqa: F401  (the partner directory lives there)


class ActionKind(models.TextChoices):
    """Remediation actions named in seed 004 (intervention and remédiation fields)."""

    REMOBILISATION = "remobilisation", "Parcours de remobilisation"
    MODULE_RACCROCHAGE = "module_raccrochage", "Module spécifique de raccrochage (LGT)"
    REMISE_A_NIVEAU = "remise_a_niveau", "Stage de remise à niveau"
    RETOUR_FORMATION = "retour_formation", "Module personnalisé de retour en formation"
    DECOUVERTE_METIERS = "decouverte_metiers", "Découverte des métiers, stage en entreprise"
    SERVICE_CIVIQUE = "service_civique", "Service civique alterné"
    AUTRE = "autre", "Autre action"


class ReferralStatus(models.TextChoices):
    ACTIVE = "active", "Orienté"
    CANCELLED = "annulee", "Orientation annulée"


class Axis(models.TextChoices):
    """The four academic priority axes of the call for projects (seed 004)."""

    PARCOURS_PERSONNALISES = "parcours_personnalises", "Mettre en œuvre des parcours personnalisés"
    REMOBILISATION = "remobilisation", "Remobiliser et accompagner des jeunes ou groupes de jeunes"
    LIENS_ENTREPRISES = "liens_entreprises", "Renforcer les liens avec les entreprises"
    SANTE_CITOYENNETE = "sante_citoyennete", "Développer l'éducation à la santé et à la citoyenneté"


class CallStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    OPEN = "ouvert", "Ouvert aux dépôts"
    REVIEW = "instruction", "En instruction par la commission"
    PUBLISHED = "publie", "Résultats publiés"


class ProjectStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "depose", "Déposé"
    ACCEPTED = "retenu", "Retenu"
    REJECTED = "non_retenu", "Non retenu"
    WITHDRAWN = "retire", "Retiré par l'établissement"
