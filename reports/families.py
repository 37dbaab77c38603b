"""Indicator families built on the case apps (re-preparation dossiers, commission, TDO,
Ambition emploi, MLDS). Each is one GROUP BY over its own table, placed at a school so the
same scope, filters and territory levels apply as for the dropout indicator."""

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, When
from django.db.models.functions import ExtractYear

from .indicators import Family, Measure, register


def school_year_of(date_path: str):
    """The school year (year of the rentrée) a date belongs to: September starts a year."""
    return Case(
        When(**{f"{date_path}__month__gte": 9}, then=ExtractYear(date_path)),
        default=ExtractYear(date_path) - 1,
        output_field=IntegerField(),
    )


# --- Re-preparation (seed 000): ajournés, entretien, re-enrolment, sans solution ----------


def _dossiers():
    from dossiers.models import RepreparationDossier

    # The June session closes the school year that began the September before.
    return RepreparationDossier.objects.annotate(report_year=F("exam_result__session_year") - 1)


def _dossier_counts():
    from dossiers.enums import DossierState as S
    from dossiers.models import DossierTransition, Entretien

    seen = Entretien.objects.filter(dossier_id=OuterRef("pk"))
    reenrolled = DossierTransition.objects.filter(
        dossier_id=OuterRef("pk"), to_state__in=[S.REINSCRIT, S.INSCRIT_RENTREE]
    )
    return {
        "ajournes": None,
        "vus_entretien": Q(Exists(seen)),
        "reinscrits": Q(Exists(reenrolled)) | Q(enrolled_school__isnull=False),
        "sans_solution": Q(state=S.SANS_SOLUTION),
    }


REPREPARATION = Family(
    slug="reprepa",
    label="Élèves ajournés et re-préparation",
    definition=(
        "Ajournés : dossiers de re-préparation ouverts (un par élève ajourné et par session ; "
        "l'année est celle qui s'achève par la session). Vus en entretien : au moins un "
        "entretien de situation enregistré. Réinscrits : réinscrits dans l'établissement "
        "d'origine ou inscrits à la rentrée. Sans solution : constatés sans solution à la "
        "rentrée. Voie et niveau : ceux de l'élève. Parts rapportées aux ajournés."
    ),
    base=_dossiers,
    counts=_dossier_counts,
    measures=[
        Measure("ajournes", "Ajournés"),
        Measure("vus_entretien", "Vus en entretien de situation"),
        Measure("reinscrits", "Réinscrits"),
        Measure("sans_solution", "Sans solution à la rentrée"),
        Measure("part_vus_entretien", "Part vue en entretien (%)", "vus_entretien", "ajournes"),
        Measure("part_reinscrits", "Part réinscrite (%)", "reinscrits", "ajournes"),
        Measure("part_sans_solution", "Part sans solution (%)", "sans_solution", "ajournes"),
    ],
    voie="student__voie",
    level="student__level",
    year="report_year",
)


# --- Commission d'affectation outcomes ----------------------------------------------------


def _decisions():
    from dossiers.models import CommissionDecision

    return CommissionDecision.objects.annotate(
        report_year=F("dossier__exam_result__session_year") - 1
    )


def _decision_counts():
    from dossiers.enums import DecisionOutcome as O

    return {
        "decisions": None,
        "affectes": Q(outcome=O.AFFECTE, withdrawn_at__isnull=True, pronounced_at__isnull=False),
        "propositions": Q(outcome=O.AFFECTE, withdrawn_at__isnull=True, pronounced_at__isnull=True),
        "liste_attente": Q(outcome=O.LISTE_ATTENTE),
        "non_affectes": Q(outcome=O.NON_AFFECTE),
        "desistements": Q(outcome=O.AFFECTE, withdrawn_at__isnull=False),
    }


COMMISSION = Family(
    slug="commission",
    label="Décisions de la commission d'affectation",
    definition=(
        "Décisions rendues par la commission départementale sur les dossiers transmis, "
        "rattachées à l'établissement d'origine de l'élève : affecté (affectation prononcée par "
        "l'IA-DASEN, y compris depuis la liste d'attente), affectation proposée en attente du "
        "prononcé, liste d'attente, non affecté, désistement (affectation refusée par "
        "la famille). Taux d'affectation : affectés / décisions."
    ),
    base=_decisions,
    counts=_decision_counts,
    measures=[
        Measure("decisions", "Décisions"),
        Measure("affectes", "Affectés"),
        Measure("propositions", "Affectations proposées (prononcé attendu)"),
        Measure("liste_attente", "Liste d'attente"),
        Measure("non_affectes", "Non affectés"),
        Measure("desistements", "Désistements"),
        Measure("taux_affectation", "Taux d'affectation (%)", "affectes", "decisions"),
    ],
    school="dossier__school",
    voie="dossier__student__voie",
    level="dossier__student__level",
    year="report_year",
)


# --- Tous droits ouverts: outcome at the end of the 4-month window (seed 002) ------------


def _tdos():
    from prevention.models import Tdo

    return Tdo.objects.filter(start_date__isnull=False).annotate(
        report_year=school_year_of("start_date")
    )


def _tdo_counts():
    from prevention.enums import TdoOutcome as O
    from prevention.enums import TdoStatus as S

    closed = Q(status=S.CLOSED)
    return {
        "tdo_demarres": None,
        "tdo_clos": closed,
        "tdo_retour_formation": closed & Q(outcome=O.BACK_TO_SCHOOL),
        "tdo_formation_apprentissage": closed & Q(outcome__in=[O.APPRENTICESHIP, O.TRAINING]),
        "tdo_emploi": closed & Q(outcome=O.JOB),
        "tdo_autre_solution": closed & Q(outcome=O.OTHER_SOLUTION),
        "tdo_sans_solution": closed & Q(outcome=O.LEFT),
        "tdo_avec_solution": closed & ~Q(outcome=O.LEFT),
    }


TDO = Family(
    slug="tdo",
    label="Tous droits ouverts : issues à 4 mois",
    definition=(
        "Parcours Tous droits ouverts démarrés (année de la date de début), et, parmi ceux "
        "clos à l'issue de la période de 4 mois, leur issue : retour en formation initiale, "
        "apprentissage ou formation, emploi, autre solution, sortie sans solution. Taux de "
        "solution : parcours clos avec une solution / parcours clos."
    ),
    base=_tdos,
    counts=_tdo_counts,
    measures=[
        Measure("tdo_demarres", "Démarrés"),
        Measure("tdo_clos", "Clos"),
        Measure("tdo_retour_formation", "Retour en formation initiale"),
        Measure("tdo_formation_apprentissage", "Apprentissage ou formation"),
        Measure("tdo_emploi", "Emploi"),
        Measure("tdo_autre_solution", "Autre solution"),
        Measure("tdo_sans_solution", "Sans solution"),
        Measure("tdo_avec_solution", "Avec solution"),
        Measure("taux_solution", "Taux de solution (%)", "tdo_avec_solution", "tdo_clos"),
    ],
    voie="student__voie",
    level="student__level",
    year="report_year",
)


# --- Parcours Ambition emploi: outcome at the end (≤ 4 months, arrêté du 18-7-2023) -------


def _ambition():
    from mlds.models import AmbitionEmploi

    return AmbitionEmploi.objects.filter(start_date__isnull=False).annotate(
        report_year=school_year_of("start_date")
    )


def _ambition_counts():
    from mlds.enums import AmbitionEmploiOutcome as O
    from mlds.enums import AmbitionEmploiStatus as S

    closed = Q(status=S.CLOS)
    return {
        "pae_demarres": None,
        "pae_clos": closed,
        "pae_emploi": closed & Q(outcome=O.EMPLOI),
        "pae_formation_apprentissage": closed & Q(outcome__in=[O.FORMATION, O.APPRENTISSAGE]),
        "pae_autre": closed & Q(outcome=O.AUTRE),
        "pae_sans_solution": closed & Q(outcome=O.SANS_SOLUTION),
        "pae_avec_solution": closed & ~Q(outcome=O.SANS_SOLUTION),
    }


AMBITION_EMPLOI = Family(
    slug="ambition-emploi",
    label="Parcours Ambition emploi : issues à 4 mois",
    definition=(
        "Parcours Ambition emploi démarrés (année de la date de début, établissement "
        "d'inscription), et, parmi ceux clos (au plus 4 mois après le début), leur issue : "
        "emploi, formation ou apprentissage, autre, sans solution. Taux de solution : "
        "parcours clos avec une solution / parcours clos."
    ),
    base=_ambition,
    counts=_ambition_counts,
    measures=[
        Measure("pae_demarres", "Démarrés"),
        Measure("pae_clos", "Clos"),
        Measure("pae_emploi", "Emploi"),
        Measure("pae_formation_apprentissage", "Formation ou apprentissage"),
        Measure("pae_autre", "Autre"),
        Measure("pae_sans_solution", "Sans solution"),
        Measure("pae_avec_solution", "Avec solution"),
        Measure("taux_solution", "Taux de solution (%)", "pae_avec_solution", "pae_clos"),
    ],
    voie="student__voie",
    level="student__level",
    year="report_year",
)


# --- MLDS follow-ups and their solutions --------------------------------------------------


def _follow_ups():
    from mlds.models import FollowUp

    return FollowUp.objects.filter(last_school__isnull=False).annotate(
        report_year=school_year_of("signaled_on")
    )


def _follow_up_counts():
    from mlds.enums import FollowUpOutcome as O

    return {
        "suivis": None,
        "bilans": Q(bilan_on__isnull=False),
        "solutions_proposees": Q(solution_proposed_on__isnull=False),
        "en_solution": Q(solution_start_on__isnull=False),
        "retour_formation_initiale": Q(solution_type="retour_fi", solution_start_on__isnull=False),
        "sans_solution": Q(outcome=O.SANS_SOLUTION),
    }


MLDS = Family(
    slug="mlds",
    label="Suivis MLDS et solutions",
    definition=(
        "Jeunes suivis par la MLDS (année du signalement), rattachés à leur dernier "
        "établissement (les jeunes sans établissement connu ne sont pas comptés) : temps de "
        "bilan réalisés, solutions proposées, entrées en solution (dont retours en formation "
        "initiale), issues sans solution. Part en solution : entrées en solution / suivis."
    ),
    base=_follow_ups,
    counts=_follow_up_counts,
    measures=[
        Measure("suivis", "Jeunes suivis"),
        Measure("bilans", "Temps de bilan réalisés"),
        Measure("solutions_proposees", "Solutions proposées"),
        Measure("en_solution", "Entrés en solution"),
        Measure("retour_formation_initiale", "Dont retour en formation initiale"),
        Measure("sans_solution", "Issue sans solution"),
        Measure("part_en_solution", "Part en solution (%)", "en_solution", "suivis"),
    ],
    school="last_school",
    voie="student__voie",
    level="student__level",
    year="report_year",
)


for _family in (REPREPARATION, COMMISSION, TDO, AMBITION_EMPLOI, MLDS):
    register(_family)
