from django.db import models

from territories.enums import ScopeLevel  # noqa: F401  (the structure levels live with them)


class Role(models.TextChoices):
    CHEF_ETABLISSEMENT = "chef_etablissement", "Chef d'établissement"
    REFERENT_DECROCHAGE = "referent_decrochage", "Référent décrochage / membre du GPDS"
    DIRECTEUR_CIO = "directeur_cio", "Directeur de CIO"
    MEMBRE_COMMISSION = "membre_commission", "Membre de la commission d'affectation"
    IEN_IO = "ien_io", "IEN-IO"
    IA_DASEN = "ia_dasen", "IA-DASEN"
    COORDONNATEUR_MLDS = "coordonnateur_mlds", "Coordonnateur MLDS"
    RESPONSABLE_FOQUALE = "responsable_foquale", "Responsable FoQualE"
    PILOTE_ACADEMIQUE = "pilote_academique", "Pilote académique (SAIO / DRAIO)"
    ADMINISTRATEUR = "administrateur", "Administrateur"


ROLE_SCOPE_LEVEL = {
    Role.CHEF_ETABLISSEMENT: ScopeLevel.ETABLISSEMENT,
    Role.REFERENT_DECROCHAGE: ScopeLevel.ETABLISSEMENT,
    Role.DIRECTEUR_CIO: ScopeLevel.BASSIN,
    Role.MEMBRE_COMMISSION: ScopeLevel.DEPARTEMENT,
    Role.IEN_IO: ScopeLevel.DEPARTEMENT,
    Role.IA_DASEN: ScopeLevel.DEPARTEMENT,
    Role.COORDONNATEUR_MLDS: ScopeLevel.DEPARTEMENT,
    Role.RESPONSABLE_FOQUALE: ScopeLevel.RESEAU,
    Role.PILOTE_ACADEMIQUE: ScopeLevel.ACADEMIE,
    Role.ADMINISTRATEUR: ScopeLevel.ACADEMIE,
}


class AuthMethod(models.TextChoices):
    PASSWORD = "mot_de_passe", "Mot de passe"
    PROCONNECT = "proconnect", "ProConnect"
    TOTP = "totp", "Code à usage unique (application)"
    RECOVERY_CODE = "code_secours", "Code de secours"


class AuthEventKind(models.TextChoices):
    LOGIN_SUCCESS = "connexion", "Connexion réussie"
    LOGIN_FAILURE = "echec", "Échec de connexion"
    LOGOUT = "deconnexion", "Déconnexion"
    SECOND_FACTOR_SUCCESS = "2fa_ok", "Second facteur validé"
    SECOND_FACTOR_FAILURE = "2fa_echec", "Second facteur refusé"
    SECOND_FACTOR_ENROLLED = "2fa_active", "Second facteur activé"
    ACCOUNT = "compte", "Gestion du compte"


class AccessCategory(models.TextChoices):
    """Why an exceptional access ("bris de glace") is opened."""

    ARRIVAL = "arrivee", "Élève arrivé d'un autre établissement"
    EMERGENCY = "urgence", "Urgence (sécurité, santé, mise en danger)"
    FAMILY = "famille", "Demande de la famille ou du jeune"
    CONTINUITY = "continuite", "Continuité de service (absence d'un collègue)"
    OTHER = "autre", "Autre motif (à préciser)"
