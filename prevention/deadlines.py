"""Deadline kinds of GPDS reviews and individual paths, and who may open and act on them."""

from accounts.enums import Role
from accounts.roles import INSPECTION_ROLES, role_in
from notifications.registry import KindPolicy, register_case, register_kinds

from .enums import PreventionDeadline as K

_REFERENT = (Role.REFERENT_DECROCHAGE,)

POLICIES = {
    K.GPDS_REVIEW: KindPolicy(school_roles=_REFERENT),
    K.PAFI_REVIEW: KindPolicy(school_roles=_REFERENT),
    K.PAFI_END: KindPolicy(before_days=14, school_roles=_REFERENT),
    K.DEROGATOIRE_VALIDATION: KindPolicy(departement_roles=(Role.IA_DASEN,)),
    K.DEROGATOIRE_REVIEW: KindPolicy(school_roles=_REFERENT),
    K.DEROGATOIRE_VISIT: KindPolicy(school_roles=_REFERENT),
    K.TDO_END: KindPolicy(before_days=14, school_roles=_REFERENT),
    K.TDO_BILAN: KindPolicy(school_roles=_REFERENT),
}


def _path_writable(model):
    """The school's staff act on their paths; the département (IEN-IO, IA-DASEN) on the paths
    sent to it for opinion and validation."""

    def writable(user):
        if role_in(user, INSPECTION_ROLES):
            return model.objects.visible_to(user)
        return model.objects.writable_by(user)

    return writable


def register() -> None:
    from .models import Derogatoire, GpdsReview, Pafi, Tdo

    register_kinds(K, app_label="prevention", policies=POLICIES)
    register_case(GpdsReview, writable=lambda user: GpdsReview.objects.writable_by(user))
    for model in (Pafi, Derogatoire, Tdo):
        register_case(model, writable=_path_writable(model))
