from django.db import models


class DeadlineKind(models.TextChoices):
    """Every obligation with a due date. Add a kind here when its capability lands."""

    # Re-preparation (seed 000)
    ENTRETIEN_SITUATION = "entretien_situation", "Entretien de situation"
    DECISION_REINSCRIPTION = "decision_reinscription", "Décision de réinscription"
    COMMISSION_SESSION = "commission_session", "Passage en commission d'affectation"
    FAMILY_INFORMED = "famille_informee", "Information de la famille"
    REPREPARATION_RIGHT_END = "reprepa_fin_droit", "Fin du droit à la re-préparation"
    SANS_SOLUTION_SWEEP = "sans_solution", "Élève sans solution avant la rentrée"
    # Prevention (seeds 002, 003, 004)
    GPDS_REVIEW = "gpds_revue", "Revue en GPDS"
    PAFI_REVIEW = "pafi_bilan", "Bilan de PAFI"
    PAFI_END = "pafi_fin", "Fin de PAFI"
    DEROGATOIRE_VALIDATION = "derogatoire_validation", "Validation du parcours dérogatoire"
    DEROGATOIRE_REVIEW = "derogatoire_bilan", "Bilan d'étape du parcours dérogatoire"
    DEROGATOIRE_VISIT = "derogatoire_visite", "Visite de stage"
    TDO_END = "tdo_fin", "Fin de Tous droits ouverts"
    TDO_BILAN = "tdo_bilan", "Bilan de Tous droits ouverts"
    # MLDS (seeds 001, 002, 004)
    MLDS_CONTACT = "mlds_contact", "Premier contact MLDS"
    MLDS_BILAN = "mlds_bilan", "Temps de bilan MLDS"
    MLDS_TRANSITION = "mlds_suivi", "Suivi conjoint de la transition"
    AMBITION_EMPLOI_END = "ambition_emploi_fin", "Fin du Parcours Ambition emploi"
    AMBITION_EMPLOI_BILAN = "ambition_emploi_bilan", "Bilan du Parcours Ambition emploi"
    DROIT_RETOUR_ENTRETIEN = "droit_retour_entretien", "Entretien du droit au retour (15 jours)"
    # Age events
    AGE_15 = "age_15", "15 ans (PAFI possible)"
    AGE_16 = "age_16", "16 ans (obligation de formation)"
    AGE_18 = "age_18", "18 ans (majorité, fin de l'obligation de formation)"
    AGE_25 = "age_25", "25 ans (fin du suivi MLDS)"
    # Alerts to the académie's administrators (no due date: handled by reading them)
    EXCEPTIONAL_ACCESS = "acces_exceptionnel", "Accès exceptionnel ouvert"


# Nothing to do by a date: read and keep in mind. Shown apart from the work that falls due.
INFORMATION_KINDS = (
    DeadlineKind.AGE_15,
    DeadlineKind.AGE_16,
    DeadlineKind.AGE_18,
    DeadlineKind.AGE_25,
    DeadlineKind.EXCEPTIONAL_ACCESS,
)


class ReminderStage(models.TextChoices):
    """Which reminder of a deadline; escalation levels reach the next level up."""

    BEFORE = "avant", "Échéance proche"
    DUE = "echeance", "Échéance du jour"
    OVERDUE = "retard", "Échéance dépassée"
    ESCALATION_1 = "escalade_1", "Escalade (directeur de CIO)"
    ESCALATION_2 = "escalade_2", "Escalade (IEN-IO)"


ESCALATION_STAGES = (ReminderStage.ESCALATION_1, ReminderStage.ESCALATION_2)


class SendState(models.TextChoices):
    PENDING = "en_attente", "En attente"
    SENT = "envoye", "Envoyé"
    FAILED = "echec", "En échec"
    CANCELLED = "annule", "Annulé"


class Zone(models.TextChoices):
    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"
    CORSE = "corse", "Corse"
    OUTRE_MER = "outre_mer", "Outre-mer"


class ClosureKind(models.TextChoices):
    SCHOOL_HOLIDAY = "vacances", "Vacances scolaires"
    PUBLIC_HOLIDAY = "ferie", "Jour férié"


class ExamKind(models.TextChoices):
    BAC = "bac", "Baccalauréat (général, technologique, professionnel)"
    CAP = "cap", "CAP"
    BTS = "bts", "BTS"
    DNB = "dnb", "Diplôme national du brevet"


_MLDS_KINDS = {
    DeadlineKind.MLDS_CONTACT,
    DeadlineKind.MLDS_BILAN,
    DeadlineKind.MLDS_TRANSITION,
    DeadlineKind.DROIT_RETOUR_ENTRETIEN,
    DeadlineKind.AGE_25,
}
_REPREPA_KINDS = {
    DeadlineKind.ENTRETIEN_SITUATION,
    DeadlineKind.DECISION_REINSCRIPTION,
    DeadlineKind.COMMISSION_SESSION,
    DeadlineKind.FAMILY_INFORMED,
    DeadlineKind.REPREPARATION_RIGHT_END,
    DeadlineKind.SANS_SOLUTION_SWEEP,
}
# Deadlines a role handles and whose case it can open; roles absent here see every kind of
# their scope. A school follows its pupils but not the MLDS follow-ups of young people who
# left; the MLDS coordinator follows those, Ambition emploi and age events, not the school
# workflows; the FoQualE network head has no nominative case to open.
KINDS_BY_ROLE = {
    "chef_etablissement": set(DeadlineKind) - _MLDS_KINDS,
    "referent_decrochage": set(DeadlineKind) - _MLDS_KINDS,
    "coordonnateur_mlds": _MLDS_KINDS
    | {
        DeadlineKind.AMBITION_EMPLOI_END,
        DeadlineKind.AMBITION_EMPLOI_BILAN,
        DeadlineKind.AGE_16,
        DeadlineKind.AGE_18,
    },
    "responsable_foquale": set(),
}
