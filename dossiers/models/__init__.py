from .commission import Capacity, Commission, CommissionDecision, CommissionSession
from .documents import BatchJob, GeneratedDocument
from .dossier import TRANSITIONS, RepreparationDossier
from .results import EpreuveMark, ExamResult, ResultsDay, normalize_specialty, results_day_for
from .trail import AccompanimentEntry, DossierTransition, Entretien, PlanChoice, RightUse

__all__ = [
    "TRANSITIONS",
    "AccompanimentEntry",
    "BatchJob",
    "Capacity",
    "Commission",
    "CommissionDecision",
    "CommissionSession",
    "DossierTransition",
    "EpreuveMark",
    "Entretien",
    "ExamResult",
    "GeneratedDocument",
    "PlanChoice",
    "RepreparationDossier",
    "ResultsDay",
    "RightUse",
    "normalize_specialty",
    "results_day_for",
]
