"""Deadline kinds of the re-preparation dossier and who may open and act on the dossier."""

from accounts.enums import Role
from notifications.registry import KindPolicy, register_case, register_kinds

from .enums import DossierDeadline as K

_CHEF = (Role.CHEF_ETABLISSEMENT,)

# [ASSUMPTION] domain.md §8: entretien due a few working days after results day, escalation if
# not held; the re-preparation kinds fall in the summer holidays, hence urgent.
POLICIES = {
    K.ENTRETIEN_SITUATION: KindPolicy(
        before_days=2,
        escalation_days=(3, 7),
        urgent=True,
        count_from_human_action=True,
        school_roles=_CHEF,
    ),
    K.DECISION_REINSCRIPTION: KindPolicy(
        before_days=3, escalation_days=(5, 10), urgent=True, school_roles=_CHEF
    ),
    K.COMMISSION_SESSION: KindPolicy(
        escalation_days=(3, 7),
        urgent=True,
        departement_roles=(Role.MEMBRE_COMMISSION, Role.IEN_IO),
    ),
    K.FAMILY_INFORMED: KindPolicy(
        before_days=2,
        escalation_days=(5, 10),
        urgent=True,
        count_from_human_action=True,
        school_roles=_CHEF,
    ),
    K.REPREPARATION_RIGHT_END: KindPolicy(before_days=14, escalation_days=(), school_roles=_CHEF),
    K.SANS_SOLUTION_SWEEP: KindPolicy(escalation_days=(1, 3), urgent=True),
}


def register() -> None:
    from .models import RepreparationDossier

    register_kinds(K, app_label="dossiers", policies=POLICIES)
    register_case(
        RepreparationDossier,
        writable=lambda user: RepreparationDossier.objects.writable_by(user),
    )
