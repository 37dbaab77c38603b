from django.db import models


class Exam(models.TextChoices):
    """Exams whose ajournés are covered by seed 000."""

    BAC_GENERAL = "bac_general", "Baccalauréat général"
    BAC_TECHNO = "bac_techno", "Baccalauréat technologique"
    BAC_PRO = "bac_pro", "Baccalauréat professionnel"
    BT = "bt", "Brevet de technicien (BT)"
    BTS = "bts", "Brevet de technicien supérieur (BTS)"
    CAP = "cap", "Certificat d'aptitude professionnelle (CAP)"


class ExamOutcome(models.TextChoices):
    """Outcome per candidate and session (domain.md §4.1). Only AJOURNE opens a dossier."""

    ADMIS = "admis", "Admis"
    ADMIS_APRES_CONTROLE = "admis_controle", "Admis après contrôle (second groupe)"
    EN_ATTENTE_SECOND_GROUPE = "second_groupe", "En attente du second groupe"
    AJOURNE = "ajourne", "Ajourné"
    ABSENT = "absent", "Absent"


class DossierState(models.TextChoices):
    REMIS = "remis", "Dossier remis"
    ENTRETIEN_PLANIFIE = "entretien_planifie", "Entretien planifié"
    ENTRETIEN_REALISE = "entretien_realise", "Entretien réalisé"
    CONTACT_IMPOSSIBLE = "contact_impossible", "Contact impossible ou entretien refusé"
    SOUHAIT_EXPRIME = "souhait_exprime", "Souhait exprimé"
    REINSCRIT = "reinscrit", "Réinscrit dans l'établissement d'origine"
    TRANSMIS_COMMISSION = "transmis_commission", "Transmis à la commission"
    PROPOSITION_AFFECTATION = "proposition_affectation", "Affectation proposée (prononcé attendu)"
    DECIDE_COMMISSION = "decide_commission", "Décidé en commission"
    ORIENTE_AILLEURS = "oriente_ailleurs", "Orienté vers une autre voie"
    FAMILLE_INFORMEE = "famille_informee", "Famille informée"
    INSCRIT_RENTREE = "inscrit_rentree", "Inscrit à la rentrée"
    SANS_SOLUTION = "sans_solution", "Sans solution à la rentrée"


class Stage(models.TextChoices):
    """The four stages a dossier goes through, for badges and the CIO's overview."""

    ENTRETIEN = "entretien", "Entretien à tenir"
    DECISION = "decision", "Décision à prendre"
    DECIDED = "decide", "Décidé"
    SANS_SOLUTION = "sans_solution", "Sans solution"


STAGE_OF_STATE = {
    DossierState.REMIS: Stage.ENTRETIEN,
    DossierState.ENTRETIEN_PLANIFIE: Stage.ENTRETIEN,
    DossierState.CONTACT_IMPOSSIBLE: Stage.ENTRETIEN,
    DossierState.ENTRETIEN_REALISE: Stage.DECISION,
    DossierState.SOUHAIT_EXPRIME: Stage.DECISION,
    DossierState.TRANSMIS_COMMISSION: Stage.DECISION,
    DossierState.PROPOSITION_AFFECTATION: Stage.DECISION,
    DossierState.REINSCRIT: Stage.DECIDED,
    DossierState.DECIDE_COMMISSION: Stage.DECIDED,
    DossierState.ORIENTE_AILLEURS: Stage.DECIDED,
    DossierState.FAMILLE_INFORMEE: Stage.DECIDED,
    DossierState.INSCRIT_RENTREE: Stage.DECIDED,
    DossierState.SANS_SOLUTION: Stage.SANS_SOLUTION,
}
STAGE_BADGE = {
    Stage.ENTRETIEN: "fr-badge--new",
    Stage.DECISION: "fr-badge--info",
    Stage.DECIDED: "fr-badge--success",
    Stage.SANS_SOLUTION: "fr-badge--error",
}

# What the school does next, shown in the lists.
NEXT_STEP = {
    DossierState.REMIS: "Planifier l'entretien de situation",
    DossierState.ENTRETIEN_PLANIFIE: "Tenir l'entretien de situation",
    DossierState.CONTACT_IMPOSSIBLE: "Relancer l'élève ou la famille",
    DossierState.ENTRETIEN_REALISE: "Enregistrer le souhait de l'élève",
    DossierState.SOUHAIT_EXPRIME: "Décider : réinscrire, transmettre ou orienter",
    DossierState.REINSCRIT: "Informer la famille",
    DossierState.TRANSMIS_COMMISSION: "Attendre la décision de la commission",
    DossierState.PROPOSITION_AFFECTATION: "Attendre le prononcé de l'affectation par l'IA-DASEN",
    DossierState.DECIDE_COMMISSION: "Informer la famille",
    DossierState.ORIENTE_AILLEURS: "Informer la famille",
    DossierState.FAMILLE_INFORMEE: "Confirmer l'inscription à la rentrée",
    DossierState.INSCRIT_RENTREE: "Aucune : dossier clos",
    DossierState.SANS_SOLUTION: "Transmettre à la MLDS",
}

OPEN_STATES = [s for s in DossierState if s not in {DossierState.INSCRIT_RENTREE}]
# Before any decision: the pupil still has no route.
BEFORE_DECISION_STATES = [
    DossierState.REMIS,
    DossierState.ENTRETIEN_PLANIFIE,
    DossierState.CONTACT_IMPOSSIBLE,
    DossierState.ENTRETIEN_REALISE,
    DossierState.SOUHAIT_EXPRIME,
]
NO_ENTRETIEN_STATES = [DossierState.REMIS, DossierState.ENTRETIEN_PLANIFIE]


class Wish(models.TextChoices):
    REINSCRIPTION_ORIGINE = "reinscription", "Réinscription dans l'établissement d'origine"
    CHANGEMENT = "changement", "Changement d'établissement"
    AUTRE_VOIE = "autre_voie", "Autre voie"
    REFUS = "refus", "Refus de re-préparer l'examen"


class OtherRoute(models.TextChoices):
    AMBITION_EMPLOI = "ambition_emploi", "Parcours Ambition emploi"
    APPRENTISSAGE = "apprentissage", "Apprentissage"
    MLDS = "mlds", "Mission de lutte contre le décrochage scolaire (MLDS)"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    E2C = "e2c", "École de la deuxième chance"
    EMPLOI = "emploi", "Emploi"
    AUTRE = "autre", "Autre"


class TrailKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    CONTACT = "contact", "Tentative de contact"
    REFUSAL = "refus", "Refus exprimé"
    OFFER = "proposition", "Proposition faite"
    NOTE = "note", "Note"


class Channel(models.TextChoices):
    COURRIER = "courrier", "Courrier"
    TELEPHONE = "telephone", "Téléphone"
    COURRIEL = "courriel", "Courriel"
    SMS = "sms", "SMS"
    ENT = "ent", "ENT / messagerie"
    EN_PERSONNE = "en_personne", "En personne"


class PlanChoiceKind(models.TextChoices):
    KEEP = "conserver", "Conserver la note"
    REPREPARE = "repreparer", "Repasser l'épreuve"


class DecisionOutcome(models.TextChoices):
    AFFECTE = "affecte", "Affecté"
    LISTE_ATTENTE = "liste_attente", "Liste d'attente"
    NON_AFFECTE = "non_affecte", "Non affecté"


class DocumentKind(models.TextChoices):
    DEMANDE = "demande", "Demande d'affectation en Terminale (re-préparation)"
    LETTRE = "lettre", "Lettre de décision à la famille"
    LETTRES_LOT = "lettres_lot", "Lettres aux familles (lot)"
    PV = "pv", "Procès-verbal de séance"


class BatchState(models.TextChoices):
    PENDING = "en_attente", "En attente"
    RUNNING = "en_cours", "En cours"
    MERGING = "assemblage", "Assemblage du PDF"
    DONE = "termine", "Terminé"
    FAILED = "echec", "Échec"


class DossierDeadline(models.TextChoices):
    """Deadlines of a re-preparation dossier (seed 000); policies in `dossiers/deadlines.py`."""

    ENTRETIEN_SITUATION = "entretien_situation", "Entretien de situation"
    DECISION_REINSCRIPTION = "decision_reinscription", "Décision de réinscription"
    COMMISSION_SESSION = "commission_session", "Passage en commission d'affectation"
    FAMILY_INFORMED = "famille_informee", "Information de la famille"
    REPREPARATION_RIGHT_END = "reprepa_fin_droit", "Fin du droit à la re-préparation"
    SANS_SOLUTION_SWEEP = "sans_solution", "Élève sans solution avant la rentrée"
