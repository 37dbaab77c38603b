from django.db import models

from territories.enums import PartnerKind


class FlagReason(models.TextChoices):
    LOW_ATTENDANCE = "assiduite", "Assiduité sous le seuil sur le dernier mois"
    ATTENDANCE_DROP = "chute_assiduite", "Chute brutale de l'assiduité d'un mois sur l'autre"
    UNJUSTIFIED = "non_justifiees", "Absences non justifiées répétées dans le mois"
    INCIDENTS = "incidents", "Incidents répétés dans le mois"
    GRADES_DROP = "resultats", "Moyenne trimestrielle en baisse"


class GpdsDecision(models.TextChoices):
    WATCH = "veille", "Veille (suivi simple)"
    PPRE = "ppre", "PPRE (programme personnalisé de réussite éducative)"
    TUTORAT = "tutorat", "Tutorat pédagogique et éducatif"
    REMISE_A_NIVEAU = "remise_a_niveau", "Stage de remise à niveau"
    PAFI = "pafi", "PAFI (parcours aménagé de formation initiale)"
    DEROGATOIRE = "derogatoire", "Parcours individualisé dérogatoire"
    TDO = "tdo", "Tous droits ouverts"
    MLDS = "mlds", "Orientation vers la MLDS"


# Decisions that open an individual path on this app's own pages.
PATH_DECISIONS = {GpdsDecision.PAFI, GpdsDecision.DEROGATOIRE, GpdsDecision.TDO}


class PafiStatus(models.TextChoices):
    PROJECT = "projet", "Projet analysé en GPDS"
    SUBMITTED = "soumis", "Transmis au département pour validation"
    VALIDATED = "valide", "Validé"
    REFUSED = "refuse", "Refusé"
    RUNNING = "en_cours", "En cours"
    CLOSED = "clos", "Clos"
    CANCELLED = "abandonne", "Abandonné"


class PafiOutcome(models.TextChoices):
    BACK_TO_CLASS = "retour_classe", "Retour en classe"
    OTHER_PATH = "autre_parcours", "Autre parcours (apprentissage, formation, dispositif)"
    MLDS = "mlds", "Prise en charge MLDS"
    LEFT = "sortie", "Sortie du système scolaire"


class DerogatoireStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon (contrat en préparation)"
    TRANSMITTED = "transmis", "Transmis à la DSDEN sous le timbre IEN-IO"
    OPINION_GIVEN = "avis_ien_io", "Avis de l'IEN-IO rendu, décision de l'IA-DASEN attendue"
    VALIDATED = "valide", "Validé par l'IA-DASEN"
    REFUSED = "refuse", "Refusé par l'IA-DASEN"
    RUNNING = "en_cours", "En cours"
    FINISHED = "termine", "Terminé (bilan final)"
    CANCELLED = "abandonne", "Abandonné"


class Opinion(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVED = "reserve", "Favorable avec réserves"
    UNFAVORABLE = "defavorable", "Défavorable"


class BilanKind(models.TextChoices):
    INTERIM = "etape", "Bilan d'étape"
    FINAL = "final", "Bilan final"


class TdoStatus(models.TextChoices):
    PROPOSED = "propose", "Proposé"
    ACCEPTED = "accepte", "Accepté"
    REFUSED = "refuse", "Refusé par l'élève ou la famille"
    RUNNING = "en_parcours", "En parcours chez le partenaire"
    CLOSED = "clos", "Clos (bilan et issue enregistrés)"


# A TDO partner is named with the kinds of the one partner directory (territories).
TdoPartner = PartnerKind


class TdoOutcome(models.TextChoices):
    BACK_TO_SCHOOL = "retour_formation_initiale", "Retour en formation initiale"
    APPRENTICESHIP = "apprentissage", "Apprentissage"
    TRAINING = "formation", "Autre formation"
    JOB = "emploi", "Emploi"
    OTHER_SOLUTION = "autre_solution", "Autre solution"
    LEFT = "sortie", "Sortie sans solution"


class PathKind(models.TextChoices):
    PAFI = "pafi", "PAFI"
    DEROGATOIRE = "derogatoire", "Parcours dérogatoire"
    TDO = "tdo", "Tous droits ouverts"


class PreventionDeadline(models.TextChoices):
    """Deadlines of GPDS reviews and individual paths (seeds 002, 003, 004)."""

    GPDS_REVIEW = "gpds_revue", "Revue en GPDS"
    PAFI_REVIEW = "pafi_bilan", "Bilan de PAFI"
    PAFI_END = "pafi_fin", "Fin de PAFI"
    DEROGATOIRE_VALIDATION = "derogatoire_validation", "Validation du parcours dérogatoire"
    DEROGATOIRE_REVIEW = "derogatoire_bilan", "Bilan d'étape du parcours dérogatoire"
    DEROGATOIRE_VISIT = "derogatoire_visite", "Visite de stage"
    TDO_END = "tdo_fin", "Fin de Tous droits ouverts"
    TDO_BILAN = "tdo_bilan", "Bilan de Tous droits ouverts"
