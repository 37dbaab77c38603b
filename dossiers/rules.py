"""Regulatory numbers and diploma rules for re-preparation, in one place.

Each value cites its text. Values marked [ASSUMPTION] or [UNCERTAIN] in domain.md can be
overridden in settings (see `dossiers/conf.py`).
"""

from dataclasses import dataclass
from decimal import Decimal

from .enums import Exam

# Marks are out of 20 (Cyclades).
MARK_MIN = Decimal("0")
MARK_MAX = Decimal("20")

# Bénéfice des notes: marks ≥ 10/20 may be kept (domain.md §5; eduscol "conservation des
# notes" for the bac GT; D.337-69 / D.337-78 for the bac pro; CAP arrêtés).
KEEP_MARK_THRESHOLD = Decimal("10")
# ... within the 5 sessions following the session in which they were obtained (same sources).
KEEP_SESSIONS = 5

# Code de l'éducation D.331-61 (décret 2015-1351): the right to a new preparation is offered
# for the rentrée that immediately follows the failure, and is exercised only once.
RIGHT_USES_PER_DIPLOMA = 1


@dataclass(frozen=True)
class Epreuve:
    code: str
    label: str
    weekly_hours: Decimal
    keepable: bool = True


@dataclass(frozen=True)
class DiplomaRule:
    keep_threshold: Decimal
    keep_sessions: int
    renunciation_definitive: bool
    explanation: str
    epreuves: tuple[Epreuve, ...]
    needs_specialty: bool = False
    uncertain: bool = False

    def epreuve(self, code: str) -> Epreuve | None:
        return next((e for e in self.epreuves if e.code == code), None)


def _e(code, label, hours, keepable=True):
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
    "10/20 des cinq épreuves terminales (français écrit et oral, deux spécialités, philosophie, "
    "grand oral) peuvent être conservées pendant les cinq sessions suivantes. Renoncer à une "
    "note conservée est définitif. Aucune mention n'est attribuée avec des notes conservées."
)

DIPLOMA_RULES: dict[str, DiplomaRule] = {
    Exam.BAC_GENERAL: DiplomaRule(
        KEEP_MARK_THRESHOLD,
        KEEP_SESSIONS,
        renunciation_definitive=True,
        explanation=_BAC_GT_EXPLANATION,
        epreuves=(
            *_BAC_GT_TERMINAL,
            *_BAC_GT_CC,
            _e("ENS_SCI", "Enseignement scientifique", 2, keepable=False),
        ),
    ),
    Exam.BAC_TECHNO: DiplomaRule(
        KEEP_MARK_THRESHOLD,
        KEEP_SESSIONS,
        renunciation_definitive=True,
        explanation=_BAC_GT_EXPLANATION,
        epreuves=(*_BAC_GT_TERMINAL, *_BAC_GT_CC, _e("MATHS", "Mathématiques", 3, False)),
        needs_specialty=True,
    ),
    # Bac pro (D.337-69, D.337-78, arrêté of May 2017): marks ≥ 10 kept 5 years on request.
    Exam.BAC_PRO: DiplomaRule(
        KEEP_MARK_THRESHOLD,
        KEEP_SESSIONS,
        renunciation_definitive=False,
        explanation=(
            "Baccalauréat professionnel : sur demande, les notes égales ou supérieures à 10/20 "
            "sont conservées pendant cinq ans ; l'élève repasse toutes les unités non "
            "conservées, dans la forme globale."
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
    ),
    # CAP: marks ≥ 10 kept 5 years; renunciation is partial and not definitive (NS 96-034).
    Exam.CAP: DiplomaRule(
        KEEP_MARK_THRESHOLD,
        KEEP_SESSIONS,
        renunciation_definitive=False,
        explanation=(
            "CAP : les notes égales ou supérieures à 10/20 sont conservées pendant cinq ans. À "
            "chaque session, l'élève peut renoncer à une partie de ces notes ; la renonciation "
            "est partielle et n'est pas définitive."
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
        KEEP_MARK_THRESHOLD,
        KEEP_SESSIONS,
        renunciation_definitive=False,
        explanation=(
            "BTS : règle de conservation non confirmée par les textes consultés [incertain] ; "
            "le logiciel applique le seuil de 10/20 sur cinq sessions, à vérifier auprès du "
            "service des examens."
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
        KEEP_MARK_THRESHOLD,
        KEEP_SESSIONS,
        renunciation_definitive=False,
        explanation=(
            "BT : règle de conservation non confirmée par les textes consultés [incertain] ; "
            "le logiciel applique le seuil de 10/20 sur cinq sessions."
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
PRIORITY_RULE_TEXT = (
    "Les élèves les plus éloignés de la réussite passent en premier (instruction du 3 juillet "
    "2025) : moyenne générale croissante (élèves sans moyenne en tête), puis nombre d'épreuves "
    "sous 10/20 décroissant, puis ordre alphabétique."
)


def is_keepable(*, rule: DiplomaRule, epreuve_code: str, mark, mark_session: int, for_session: int):
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
