from .absences import AbsenceRecord, Flag
from .base import PathEvent
from .bilans import PathBilan
from .derogatoire import Derogatoire, DerogatoireObjective
from .gpds import GpdsMeeting, GpdsReview
from .pafi import Pafi
from .tdo import Tdo, TdoFollowUp

__all__ = [
    "AbsenceRecord",
    "Derogatoire",
    "DerogatoireObjective",
    "Flag",
    "GpdsMeeting",
    "GpdsReview",
    "Pafi",
    "PathBilan",
    "PathEvent",
    "Tdo",
    "TdoFollowUp",
]
