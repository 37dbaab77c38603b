"""Regulatory numbers and diploma rules for re-preparation, in one place.

Each value cites its text. Values an académie may have to change (every [ASSUMPTION] and
[UNCERTAIN] of domain.md) are settings read at call time; all are listed on « Règles en
vigueur » (rulebook).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from rulebook.registry import Status, fixed, setting
from territories.enums import SchoolType

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from territories.models import Etablissement

from .enums import Exam

SECTION = "Re-préparation à l'examen"

# Marks are out of 20 (Cyclades).
MARK_MIN = Decimal("0")
MARK_MAX = Decimal("20")

KEEP_MARK_THRESHOLD = setting(
    "DOSSIERS_KEEP_MARK_THRESHOLD",
    Decimal("10"),
    label="Note minimale pour conserver une note (bénéfice des notes)",
    source="Eduscol « conservation des notes » (bac GT) ; D.337-69 et D.337-78 (bac pro) ; "
    "arrêtés du CAP (domain.md §5)",
    status=Status.TEXT,
    section=SECTION,
    unit="/20",
    check=lambda v: Decimal("0") <= v <= Decimal("20"),
)
KEEP_SESSIONS = setting(
    "DOSSIERS_KEEP_SESSIONS",
    5,
    label="Nombre de sessions pendant lesquelles une note reste conservable",
    source="Eduscol (bac GT, 5 sessions) ; arrêté de mai 2017 (bac pro, 5 ans) ; arrêtés du "
    "CAP (5 ans) (domain.md §5)",
    status=Status.TEXT,
    section=SECTION,
    unit="sessions",
    check=lambda v: 1 <= v <= 10,
)
UNCERTAIN_RENUNCIATION_DEFINITIVE = setting(
    "DOSSIERS_UNCERTAIN_RENUNCIATION_DEFINITIVE",
    False,
    label="Bac professionnel, BTS et BT : renoncer à une note conservable est définitif",
    source="Non confirmé par les textes consultés (domain.md §5 et §10.7) ; le CAP "
    "(renonciation non définitive, note de service 96-034) sert de modèle",
    status=Status.UNCERTAIN,
    section=SECTION,
)
fixed(
    "DOSSIERS_RENUNCIATION_LOCK",
    "à l'inscription confirmée",
    label="Les choix du parcours personnalisé (conserver / repasser) deviennent définitifs",
    source="Eduscol (bac GT : renonciation définitive) ; note de service 96-034 (CAP : "
    "renonciation partielle, non définitive) ; enregistrement dans Cyclades",
    section=SECTION,
    reading="Avant l'inscription confirmée à la session (Cyclades), les choix sont un "
    "brouillon modifiable. Une fois l'inscription confirmée, ils sont verrouillés pour cette "
    "session ; au baccalauréat général et technologique, une renonciation est définitive, "
    "au CAP elle ne vaut que pour la session (bac pro, BTS, BT : voir le réglage ci-dessus).",
)

RIGHT_USES_PER_DIPLOMA = fixed(
    "DOSSIERS_RIGHT_USES_PER_DIPLOMA",
    1,
    label="Droit à une nouvelle préparation : nombre d'utilisations par diplôme",
    source="Code de l'éducation, art. D.331-61 (décret 2015-1351)",
    section=SECTION,
    unit="fois",
)
RIGHT_GRACE_DAYS = setting(
    "DOSSIERS_RIGHT_GRACE_DAYS",
    30,
    label="Droit à une nouvelle préparation : délai après la rentrée qui suit l'échec",
    source="D.331-61 : « à la rentrée scolaire qui suit cet échec » ; date limite exacte "
    "non fixée (domain.md §4.2, §10.1)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: 0 <= v <= 120,
)
ENTRETIEN_DAYS = setting(
    "DOSSIERS_ENTRETIEN_DAYS",
    10,
    label="Entretien de situation à tenir après le jour des résultats",
    source="Instruction du 3 juillet 2025 (seed 000) : « dès la publication des résultats » "
    "(domain.md §8)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)
DECISION_DAY = setting(
    "DOSSIERS_DECISION_DAY",
    (7, 15),
    label="Décision de réinscription au plus tard le",
    source="domain.md §8 : décision de réinscription avant la mi-juillet",
    status=Status.ASSUMPTION,
    section=SECTION,
)
COMMISSION_DAYS = setting(
    "DOSSIERS_COMMISSION_DAYS",
    21,
    label="Passage en commission d'affectation après la transmission",
    source="domain.md §8 : séances en juillet et fin août",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)
FAMILY_INFORMED_DAYS = setting(
    "DOSSIERS_FAMILY_INFORMED_DAYS",
    7,
    label="Information de la famille après la décision",
    source="Seed 000 : « informez les élèves et les familles des décisions prises » (aucun délai)",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)
NO_ENTRETIEN_ALERT_DAYS = setting(
    "DOSSIERS_NO_ENTRETIEN_ALERT_DAYS",
    10,
    label="Suivi du CIO : élèves sans entretien signalés après le jour des résultats",
    source="domain.md §4.3 : relance si l'entretien n'est pas tenu",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours",
    check=lambda v: v >= 1,
)
ENTRETIEN_MAX_AHEAD_DAYS = setting(
    "DOSSIERS_ENTRETIEN_MAX_AHEAD_DAYS",
    90,
    label="Un entretien se planifie au plus",
    source="Seed 000 : l'élève est reçu « dès la publication des résultats »",
    status=Status.ASSUMPTION,
    section=SECTION,
    unit="jours à l'avance",
    check=lambda v: v >= 1,
)

# --- Commission d'affectation: which commission, who pronounces ----------------------------
fixed(
    "DOSSIERS_COMMISSION_OF_REQUESTED_SCHOOL",
    "celle du département de l'établissement demandé",
    label="Commission qui examine une demande de changement d'établissement",
    source="Circulaire 2017-066 du 12 avril 2017 (demande explicite et motivée de la famille "
    "pour un autre établissement) ; l'IA-DASEN prononce l'affectation dans les établissements "
    "publics de son département (ac-besancon.fr ; domain.md §4.4-4.5)",
    section=SECTION,
    status=Status.TEXT,
    reading="Une demande pour un lycée d'un autre département n'est plus refusée : elle est "
    "motivée (motif obligatoire) et transmise à la commission du département du lycée demandé, "
    "qui l'inscrit à son ordre du jour et décide. L'établissement d'origine, son CIO et la "
    "commission de son département gardent la lecture du dossier et voient la décision.",
)
CHAIR_PRONOUNCES = setting(
    "DOSSIERS_CHAIR_PRONOUNCES",
    False,
    label="La décision « affecté » de la commission vaut prononcé de l'affectation",
    source="Seul le recteur, par délégation l'IA-DASEN, prononce une affectation "
    "(ac-besancon.fr, « Affectation : généralités » ; domain.md §4.5) ; certaines académies "
    "délèguent ce prononcé au président de la commission",
    status=Status.LOCAL,
    section=SECTION,
    reading="Non (par défaut) : la commission propose, l'IA-DASEN ou son délégataire nommé "
    "dans l'application prononce, par lot, depuis l'ordre du jour de la séance ; le droit "
    "D.331-61 n'est consommé et la lettre à la famille ne se prépare qu'après ce prononcé. "
    "Oui : la décision de la commission est elle-même le prononcé.",
)
RECEIVING_SCHOOL_TYPES = setting(
    "DOSSIERS_RECEIVING_SCHOOL_TYPES",
    ("lgt", "lp", "lpo", "agricole", "erea"),
    label="Types d'établissements d'accueil proposables à la commission (codes)",
    source="Instruction du 3 juillet 2025 (seed 000) : « affectation en Terminale » ; "
    "affectation prononcée dans un établissement public (ac-besancon.fr)",
    status=Status.ASSUMPTION,
    section=SECTION,
    reading="Lycées publics : LGT, LP, LPO, lycée agricole, EREA ; ni collège, ni CFA, ni "
    "établissement privé. S'y ajoute la voie de l'examen (générale, technologique ou "
    "professionnelle ; tout lycée pour le BTS).",
    check=lambda v: bool(v) and set(v) <= set(SchoolType.values),
)
# The voie a receiving lycée must offer for each exam (any lycée for the BTS).
EXAM_VOIE_FIELD: dict[str, str] = {
    Exam.BAC_GENERAL: "voie_generale",
    Exam.BAC_TECHNO: "voie_technologique",
    Exam.BT: "voie_technologique",
    Exam.BAC_PRO: "voie_professionnelle",
    Exam.CAP: "voie_professionnelle",
}


def receiving_schools(exam: str | None = None) -> "QuerySet[Etablissement]":
    """The schools a commission may propose for `exam` (all suitable lycées without one)."""
    from territories.models import Etablissement

    qs = Etablissement.objects.filter(school_type__in=list(RECEIVING_SCHOOL_TYPES()))
    field = EXAM_VOIE_FIELD.get(exam) if exam else None
    if field:
        qs = qs.filter(**{field: True})
    return qs


@dataclass(frozen=True)
class Epreuve:
    code: str
    label: str
    weekly_hours: Decimal
    keepable: bool = True


@dataclass(frozen=True)
class DiplomaRule:
    definitive: bool
    text: str  # {threshold} and {sessions} stand for the current settings
    epreuves: tuple[Epreuve, ...]
    needs_specialty: bool = False
    uncertain: bool = False  # keep rules not confirmed by a text
    renunciation_uncertain: bool = False

    @property
    def keep_threshold(self) -> Decimal:
        return KEEP_MARK_THRESHOLD()

    @property
    def keep_sessions(self) -> int:
        return KEEP_SESSIONS()

    @property
    def renunciation_definitive(self) -> bool:
        """Is renouncing a keepable mark final once registered? (uncertain for BTS and BT)"""
        if self.uncertain or self.renunciation_uncertain:
            return UNCERTAIN_RENUNCIATION_DEFINITIVE()
        return self.definitive

    @property
    def explanation(self) -> str:
        return self.text.format(
            threshold=f"{self.keep_threshold:g}".replace(".", ","), sessions=self.keep_sessions
        )

    def epreuve(self, code: str) -> Epreuve | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, Epreuve]:
        by_code: dict[str, Epreuve] = {}
        for e in self.epreuves:
            by_code.setdefault(e.code, e)
        return by_code


def _e(code: str, label: str, hours: float | str, keepable: bool = True) -> Epreuve:
    return Epreuve(code, label, Decimal(str(hours)), keepable)


# Bac GT since the 2021 reform: only the five terminal épreuves may be kept (français écrit and
# oral, the two spécialités, philosophie, grand oral); contrôle-continu subjects follow other
# rules [UNCERTAIN] and are re-attended. Renouncing the benefit is definitive (eduscol, 2024).
_BAC_GT_TERMINAL = (
    _e("FRANCAIS_ECRIT", "Français (écrit, épreuve anticipée)", 2),
    _e("FRANCAIS_ORAL", "Français (oral, épreuve anticipée)", 2),
    _e("SPE1", "Enseignement de spécialité 1", 6),
    _e("SPE2", "Enseignement de spécialité 2", 6),
    _e("PHILO", "Philosophie", 4),
    _e("GRAND_ORAL", "Grand oral", 1),
)
_BAC_GT_CC = (
    _e("HG", "Histoire-géographie", 3, keepable=False),
    _e("LVA", "Langue vivante A", 2, keepable=False),
    _e("LVB", "Langue vivante B", 2, keepable=False),
    _e("EPS", "Éducation physique et sportive", 2, keepable=False),
    _e("EMC", "Enseignement moral et civique", "0.5", keepable=False),
)
_BAC_GT_EXPLANATION = (
    "Baccalauréat général et technologique : sur demande, les notes égales ou supérieures à "
    "{threshold}/20 des épreuves terminales (français écrit et oral, deux spécialités, "
    "philosophie, grand oral) peuvent être conservées pendant les {sessions} sessions "
    "suivantes. Une fois l'inscription à la session confirmée, renoncer à une note "
    "conservable est définitif. Aucune mention n'est attribuée avec des notes conservées."
)

DIPLOMA_RULES: dict[str, DiplomaRule] = {
    Exam.BAC_GENERAL: DiplomaRule(
        definitive=True,
        text=_BAC_GT_EXPLANATION,
        epreuves=(
            *_BAC_GT_TERMINAL,
            *_BAC_GT_CC,
            _e("ENS_SCI", "Enseignement scientifique", 2, keepable=False),
        ),
    ),
    Exam.BAC_TECHNO: DiplomaRule(
        definitive=True,
        text=_BAC_GT_EXPLANATION,
        epreuves=(*_BAC_GT_TERMINAL, *_BAC_GT_CC, _e("MATHS", "Mathématiques", 3, False)),
        needs_specialty=True,
    ),
    # Bac pro (D.337-69, D.337-78, arrêté of May 2017): marks ≥ 10 kept 5 years on request.
    Exam.BAC_PRO: DiplomaRule(
        definitive=False,
        text=(
            "Baccalauréat professionnel : sur demande, les notes égales ou supérieures à "
            "{threshold}/20 sont conservées pendant {sessions} ans ; l'élève repasse toutes les "
            "unités non conservées, dans la forme globale."
        ),
        epreuves=(
            _e("EP_PRO", "Épreuves professionnelles (E2, E3)", 12),
            _e("ECO_GESTION", "Économie-gestion ou économie-droit", 1),
            _e("PSE", "Prévention santé environnement", 1),
            _e("FRANCAIS", "Français", 3),
            _e("HG_EMC", "Histoire-géographie et EMC", 2),
            _e("MATHS", "Mathématiques", 2),
            _e("PC", "Physique-chimie", 1),
            _e("LV1", "Langue vivante 1", 2),
            _e("LV2", "Langue vivante 2", 2),
            _e("ARTS", "Arts appliqués et cultures artistiques", 1),
            _e("EPS", "Éducation physique et sportive", "2.5"),
        ),
        needs_specialty=True,
        renunciation_uncertain=True,
    ),
    # CAP: marks ≥ 10 kept 5 years; renunciation is partial and not definitive (NS 96-034).
    Exam.CAP: DiplomaRule(
        definitive=False,
        text=(
            "CAP : les notes égales ou supérieures à {threshold}/20 sont conservées pendant "
            "{sessions} ans. À chaque session, l'élève peut renoncer à une partie de ces notes ; "
            "la renonciation est partielle et n'est pas définitive."
        ),
        epreuves=(
            _e("EP1", "EP1 (domaine professionnel)", 8),
            _e("EP2", "EP2 (domaine professionnel)", 8),
            _e("FRANCAIS_HG", "Français, histoire-géographie et EMC", "3.5"),
            _e("MATHS_SCI", "Mathématiques, physique-chimie", "2.5"),
            _e("LV", "Langue vivante", "1.5"),
            _e("PSE", "Prévention santé environnement", 1),
            _e("EPS", "Éducation physique et sportive", "2.5"),
        ),
    ),
    # BTS and BT: mark-keeping rules not confirmed (domain.md §10.7) [UNCERTAIN]: same
    # threshold and duration, renunciation treated as not definitive.
    Exam.BTS: DiplomaRule(
        definitive=False,
        text=(
            "BTS : règle de conservation non confirmée par les textes consultés [incertain] ; "
            "le logiciel applique le seuil de {threshold}/20 sur {sessions} sessions, à vérifier "
            "auprès du service des examens."
        ),
        epreuves=(
            _e("CULTURE_G", "Culture générale et expression", 3),
            _e("LV", "Langue vivante étrangère", 2),
            _e("MATHS", "Mathématiques", 2),
            _e("E4", "Épreuve professionnelle E4", 6),
            _e("E5", "Épreuve professionnelle E5", 6),
            _e("E6", "Épreuve professionnelle E6", 4),
        ),
        needs_specialty=True,
        uncertain=True,
    ),
    Exam.BT: DiplomaRule(
        definitive=False,
        text=(
            "BT : règle de conservation non confirmée par les textes consultés [incertain] ; "
            "le logiciel applique le seuil de {threshold}/20 sur {sessions} sessions."
        ),
        epreuves=(
            _e("FRANCAIS", "Français", 3),
            _e("MATHS", "Mathématiques", 3),
            _e("LV", "Langue vivante", 2),
            _e("PRO", "Épreuves professionnelles", 12),
        ),
        needs_specialty=True,
        uncertain=True,
    ),
}

# Priority for re-enrolment: seed 000 asks to favour "les élèves les plus éloignés de la
# réussite". [ASSUMPTION] distance = overall average ascending (missing average first), then
# number of épreuves below 10/20 descending, then name.
PRIORITY_RULE_TEXT = fixed(
    "DOSSIERS_PRIORITY_ORDER",
    "Les élèves les plus éloignés de la réussite passent en premier (instruction du 3 juillet "
    "2025) : moyenne générale croissante (élèves sans moyenne en tête), puis nombre d'épreuves "
    "sous 10/20 décroissant, puis ordre alphabétique.",
    label="Ordre de priorité des élèves ajournés",
    source="Instruction du 3 juillet 2025 (seed 000) : « en privilégiant les élèves les plus "
    "éloignés de la réussite »",
    status=Status.ASSUMPTION,
    section=SECTION,
    reading="Un ordre de tri, pas une valeur : non réglable.",
)


def is_keepable(
    *,
    rule: DiplomaRule,
    epreuve_code: str,
    mark: Decimal | None,
    mark_session: int,
    for_session: int,
) -> tuple[bool, str]:
    """Can this mark be kept for `for_session`? Returns (bool, French reason)."""
    epreuve = rule.epreuve(epreuve_code)
    if mark is None:
        return False, "Absent : épreuve à repasser."
    if epreuve is not None and not epreuve.keepable:
        return False, "Épreuve de contrôle continu : note non conservable."
    if mark < rule.keep_threshold:
        return False, f"Note inférieure à {rule.keep_threshold:g}/20."
    if for_session - mark_session > rule.keep_sessions:
        return (
            False,
            f"Note de la session {mark_session} : au-delà de {rule.keep_sessions} sessions.",
        )
    return (
        True,
        f"Note d'au moins {rule.keep_threshold:g}/20, conservable jusqu'à la session "
        + str(mark_session + rule.keep_sessions)
        + ".",
    )
