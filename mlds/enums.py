from django.db import models

from territories.enums import PartnerKind

# The partner directory's kinds (territories): MLDS, FoQualE and TDO share them.
PartnerType = PartnerKind


class FollowUpSource(models.TextChoices):
    SIEI = "siei", "Liste SIEI / RIO"
    SIGNALEMENT_ETABLISSEMENT = "signalement_etablissement", "Signalement d'un établissement"
    REPREPA_SANS_SOLUTION = "reprepa_sans_solution", "Dossier de re-préparation sans solution"
    GPDS = "gpds", "Décision du GPDS"
    AUTO_SAISINE = "auto_saisine", "Démarche du jeune (auto-saisine)"
    DROIT_RETOUR = "droit_retour", "Demande de droit au retour en formation"
    PARTENAIRE = "partenaire", "Orientation par un partenaire de la PSAD"


class FollowUpStatus(models.TextChoices):
    SIGNALE = "signale", "Signalé"
    CONTACTE = "contacte", "Contacté"
    INJOIGNABLE = "injoignable", "Injoignable"
    BILAN = "bilan", "Temps de bilan réalisé"
    SOLUTION_PROPOSEE = "solution_proposee", "Solution proposée"
    EN_SOLUTION = "en_solution", "En solution"
    SUIVI_TRANSITION = "suivi_transition", "Suivi conjoint de la transition"
    CLOS = "clos", "Clos"


class ContactChannel(models.TextChoices):
    TELEPHONE = "telephone", "Téléphone"
    SMS = "sms", "SMS"
    COURRIEL = "courriel", "Courriel"
    COURRIER = "courrier", "Courrier"
    RENDEZ_VOUS = "rendez_vous", "Rendez-vous"
    VISITE = "visite", "Visite à domicile"
    PARTENAIRE = "partenaire", "Par un partenaire"


class SolutionType(models.TextChoices):
    RETOUR_FORMATION_INITIALE = "retour_fi", "Retour en formation initiale"
    APPRENTISSAGE = "apprentissage", "Apprentissage"
    E2C = "e2c", "École de la deuxième chance (E2C)"
    EPIDE = "epide", "EPIDE"
    SERVICE_CIVIQUE = "service_civique", "Service civique"
    EMPLOI = "emploi", "Emploi"
    MISSION_LOCALE = "mission_locale", "Accompagnement mission locale"
    MODULE_PAQI = "module_paqi", "Module PAQI (MLDS)"
    MICRO_LYCEE = "micro_lycee", "Micro-lycée"
    FORMATION_CONTINUE = "formation_continue", "Formation professionnelle (GRETA, AFPA…)"
    AMBITION_EMPLOI = "ambition_emploi", "Parcours Ambition emploi"
    AUTRE = "autre", "Autre solution"


class ClosureReason(models.TextChoices):
    SOLUTION_CONSOLIDEE = "solution_consolidee", "Solution consolidée"
    DIPLOME = "diplome", "Diplôme obtenu"
    AGE_25 = "age_25", "25 ans atteints"
    DEMENAGEMENT = "demenagement", "Déménagement hors du département"
    REFUS = "refus", "Refus de l'accompagnement"
    INJOIGNABLE = "injoignable", "Injoignable durablement"
    AUTRE = "autre", "Autre motif"


class FollowUpOutcome(models.TextChoices):
    FORMATION_INITIALE = "formation_initiale", "En formation initiale"
    APPRENTISSAGE = "apprentissage", "En apprentissage"
    FORMATION_PRO = "formation_pro", "En formation professionnelle"
    EMPLOI = "emploi", "En emploi"
    SERVICE_CIVIQUE = "service_civique", "En service civique"
    ACCOMPAGNEMENT = "accompagnement", "Accompagné par un partenaire"
    SANS_SOLUTION = "sans_solution", "Sans solution"
    INCONNUE = "inconnue", "Situation inconnue"


class AmbitionEmploiStatus(models.TextChoices):
    PROPOSE = "propose", "Proposé"
    ACCEPTE = "accepte", "Accepté par le jeune"
    REFUSE = "refuse", "Refusé par le jeune"
    EN_COURS = "en_cours", "En cours"
    CLOS = "clos", "Clos"


class AmbitionEmploiDiploma(models.TextChoices):
    BAC_PRO = "bac_pro", "Baccalauréat professionnel"
    BMA = "bma", "Brevet des métiers d'art"
    DTMS = "dtms", "Diplôme de technicien des métiers du spectacle"
    CAP = "cap", "CAP"


class AmbitionEmploiOutcome(models.TextChoices):
    EMPLOI = "emploi", "Emploi"
    FORMATION = "formation", "Formation"
    APPRENTISSAGE = "apprentissage", "Apprentissage"
    AUTRE = "autre", "Autre"
    SANS_SOLUTION = "sans_solution", "Sans solution"


class DroitRetourChannel(models.TextChoices):
    TELEPHONE = "telephone", "Téléphone (0 800 12 25 00)"
    COURRIER = "courrier", "Courrier"
    COURRIEL = "courriel", "Courriel"
    CIO = "cio", "CIO"
    PSAD = "psad", "PSAD"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    OPERATEUR_EMPLOI = "operateur_emploi", "France Travail"


class HighestDiploma(models.TextChoices):
    """The young person's highest diploma, as declared with a droit au retour request."""

    AUCUN = "aucun", "Aucun diplôme"
    DNB = "dnb", "Diplôme national du brevet (DNB) seulement"
    CFG = "cfg", "Certificat de formation générale (CFG) seulement"
    CAP_BEP = "cap_bep", "CAP, BEP ou autre diplôme professionnel de niveau 3"
    BAC_PRO = "bac_pro", "Baccalauréat professionnel, BMA ou BT"
    BAC_GT = "bac_gt", "Baccalauréat général ou technologique"
    SUPERIEUR = "superieur", "Diplôme de l'enseignement supérieur"


# Décret 2014-1453 (code de l'éducation D.122-3-6): "sans diplôme, ou avec seulement le DNB ou
# le CFG" (domain.md §4.11).
DROIT_RETOUR_DIPLOMAS = {HighestDiploma.AUCUN, HighestDiploma.DNB, HighestDiploma.CFG}


class DroitRetourStatus(models.TextChoices):
    DEMANDE = "demande", "Demande reçue"
    ENTRETIEN = "entretien", "Entretien réalisé"
    PROPOSITION = "proposition", "Proposition faite"
    INSCRIT = "inscrit", "Inscrit en formation"
    REFUSE = "refuse", "Refusée"


class CaseloadView(models.TextChoices):
    MINE = "mine", "Mes suivis"
    UNASSIGNED = "unassigned", "Non attribués"
    OVERDUE = "overdue", "En retard"
    WINDOWS = "windows", "Fenêtres de 4 mois finissant ce mois-ci"
    ALL = "all", "Tous les suivis ouverts"
    CLOSED = "closed", "Suivis clos"


# Which partner structures may carry each solution (a solution of these types needs one).
SOLUTION_PARTNER_TYPES = {
    SolutionType.APPRENTISSAGE: {PartnerType.CFA},
    SolutionType.E2C: {PartnerType.E2C},
    SolutionType.EPIDE: {PartnerType.EPIDE},
    SolutionType.SERVICE_CIVIQUE: {
        PartnerType.SERVICE_CIVIQUE,
        PartnerType.ASSOCIATION,
        PartnerType.MISSION_LOCALE,
    },
    SolutionType.MISSION_LOCALE: {PartnerType.MISSION_LOCALE},
    SolutionType.MICRO_LYCEE: {PartnerType.MICRO_LYCEE},
    SolutionType.FORMATION_CONTINUE: {
        PartnerType.GRETA,
        PartnerType.AFPA,
        PartnerType.ASSOCIATION,
        PartnerType.AUTRE,
    },
}


class MldsDeadline(models.TextChoices):
    """Deadlines of MLDS follow-ups, Ambition emploi and droit au retour (seeds 001, 002, 004)."""

    MLDS_CONTACT = "mlds_contact", "Premier contact MLDS"
    MLDS_BILAN = "mlds_bilan", "Temps de bilan MLDS"
    MLDS_TRANSITION = "mlds_suivi", "Suivi conjoint de la transition"
    AMBITION_EMPLOI_END = "ambition_emploi_fin", "Fin du Parcours Ambition emploi"
    AMBITION_EMPLOI_BILAN = "ambition_emploi_bilan", "Bilan du Parcours Ambition emploi"
    DROIT_RETOUR_ENTRETIEN = "droit_retour_entretien", "Entretien du droit au retour (15 jours)"
