"""Deadline kinds of MLDS cases and who may open and act on them."""

from accounts.enums import Role
from notifications.registry import KindPolicy, register_case, register_kinds

from .enums import MldsDeadline as K

_MLDS = (Role.COORDONNATEUR_MLDS,)

POLICIES = {
    K.MLDS_CONTACT: KindPolicy(
        before_days=3, count_from_human_action=True, departement_roles=_MLDS
    ),
    K.MLDS_BILAN: KindPolicy(departement_roles=_MLDS),
    K.MLDS_TRANSITION: KindPolicy(count_from_human_action=True, departement_roles=_MLDS),
    K.AMBITION_EMPLOI_END: KindPolicy(before_days=14),
    K.AMBITION_EMPLOI_BILAN: KindPolicy(),
    # Droit au retour: an interview within 15 days of the request (décret 2014-1453).
    K.DROIT_RETOUR_ENTRETIEN: KindPolicy(
        before_days=3, escalation_days=(2, 5), urgent=True, departement_roles=_MLDS
    ),
}


def register() -> None:
    from .models import AmbitionEmploi, DroitRetour, FollowUp

    register_kinds(K, app_label="mlds", policies=POLICIES)
    for model in (FollowUp, AmbitionEmploi, DroitRetour):
        register_case(model, writable=lambda user, model=model: model.objects.writable_by(user))
