from territories.models import Partner, PartnerContact

from .ambition_emploi import AmbitionEmploi, AmbitionEmploiLog, PfmpPeriod
from .droit_retour import DroitRetour, DroitRetourLog
from .follow_ups import ContactAttempt, FollowUp, FollowUpLog, JointReview
from .partners import PaqiSite
from .siei import SieiImport, SieiNumber

__all__ = [
    "AmbitionEmploi",
    "AmbitionEmploiLog",
    "ContactAttempt",
    "DroitRetour",
    "DroitRetourLog",
    "FollowUp",
    "FollowUpLog",
    "JointReview",
    "PaqiSite",
    "Partner",
    "PartnerContact",
    "PfmpPeriod",
    "SieiImport",
    "SieiNumber",
]
