from .commission import (
    Capacity,
    Commission,
    CommissionDecision,
    CommissionSession,
    PronouncementDelegation,
    can_pronounce,
    who_pronounces,
)
from .documents import BatchChunk, BatchJob, GeneratedDocument
from .dossier import TRANSITIONS, RepreparationDossier
from .results import EpreuveMark, ExamResult, normalize_specialty, results_day_for
from .trail import (
    AccompanimentEntry,
    DossierTransition,
    Entretien,
    ExamRegistration,
    PlanChoice,
    RightUse,
)

__all__ = [
    "TRANSITIONS",
    "AccompanimentEntry",
    "BatchChunk",
    "BatchJob",
    "Capacity",
    "Commission",
    "CommissionDecision",
    "CommissionSession",
    "DossierTransition",
    "EpreuveMark",
    "Entretien",
    "ExamRegistration",
    "ExamResult",
    "GeneratedDocument",
    "PlanChoice",
    "PronouncementDelegation",
    "RepreparationDossier",
    "RightUse",
    "can_pronounce",
    "normalize_specialty",
    "results_day_for",
    "who_pronounces",
]
