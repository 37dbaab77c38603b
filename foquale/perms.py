import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.enums import Role
from accounts.models import User
from accounts.roles import (
    ACADEMIE_REVIEW_ROLES,
    FOQUALE_PROJECT_WRITE_ROLES,
    FOQUALE_REFERRAL_ROLES,
    active_role,
)
from territories.models import Network

from .models import (
    CallForProjects,
    Project,
    Referral,
    RemediationAction,
)


def can_review_calls(user: Any) -> bool:
    role = active_role(user)
    return role is not None and role.role in ACADEMIE_REVIEW_ROLES


def can_refer(user: Any) -> bool:
    role = active_role(user)
    return role is not None and role.is_nominative and role.role in FOQUALE_REFERRAL_ROLES


def can_manage_network(user: Any, network: Network) -> bool:
    """The network's responsable FoQualE and the administrator manage the offer."""
    role = active_role(user)
    if role is None:
        return False
    if role.role == Role.RESPONSABLE_FOQUALE:
        return role.network_id == network.pk
    return role.role == Role.ADMINISTRATEUR


def network_responsables(network: Network) -> QuerySet[User]:
    """The accounts holding the role responsable FoQualE on the network."""
    accounts: QuerySet[User] = User.objects.filter(
        role_assignments__role=Role.RESPONSABLE_FOQUALE, role_assignments__network=network
    ).distinct()
    return accounts


def get_network_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> Network:
    network: Network = get_object_or_404(
        Network.objects.visible_to(user).select_related(
            "head_school", "mlds_coordinator", "head_school__departement"
        ),
        public_id=public_id,
    )
    if write and not can_manage_network(user, network):
        raise Http404("Réseau introuvable.")
    return network


def get_action_for_user(
    user: Any, public_id: uuid.UUID | str, write: bool = False
) -> RemediationAction:
    action: RemediationAction = get_object_or_404(
        RemediationAction.objects.visible_to(user)
        .with_places_used()
        .select_related("network", "partner", "host_school"),
        public_id=public_id,
    )
    if write and not can_manage_network(user, action.network):
        raise Http404("Action introuvable.")
    return action


def get_referral_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> Referral:
    qs = Referral.objects.visible_to(user).select_related("action__network", "student")
    if write and not can_refer(user):
        qs = qs.none()
    referral: Referral = get_object_or_404(qs, public_id=public_id)
    return referral


def get_call_for_user(
    user: Any, public_id: uuid.UUID | str, write: bool = False
) -> CallForProjects:
    qs = CallForProjects.objects.visible_to(user)
    if write and not can_review_calls(user):
        qs = qs.none()
    call: CallForProjects = get_object_or_404(qs, public_id=public_id)
    return call


def get_project_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> Project:
    """`write` means the school's own head (submit, withdraw)."""
    qs = Project.objects.visible_to(user).select_related("call", "school")
    role = active_role(user)
    if write and (role is None or role.role not in FOQUALE_PROJECT_WRITE_ROLES):
        qs = qs.none()
    project: Project = get_object_or_404(qs, public_id=public_id)
    return project
