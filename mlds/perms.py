"""One `get_<object>_for_user` per object type: the object in scope (writable if asked) or 404."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import MLDS_WRITE_ROLES, SCHOOL_ROLES, active_role

from .models import AmbitionEmploi, DroitRetour, FollowUp, Partner


def can_write_follow_ups(user: Any) -> bool:
    role = active_role(user, nominative=True)
    return role is not None and role.role in MLDS_WRITE_ROLES


def can_signal(user: Any) -> bool:
    role = active_role(user, nominative=True)
    return role is not None and (role.role in SCHOOL_ROLES or role.role in MLDS_WRITE_ROLES)


def get_follow_up_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> FollowUp:
    qs = FollowUp.objects.writable_by(user) if write else FollowUp.objects.visible_to(user)
    qs = qs.select_related(
        "student__current_school",
        "departement",
        "last_school__bassin",
        "origin_school",
        "assigned_to",
        "paqi_site",
        "solution_partner",
        "solution_school",
        "siei_import",
    )
    follow_up: FollowUp = get_object_or_404(qs, public_id=public_id)
    return follow_up


def get_ambition_for_user(
    user: Any, public_id: uuid.UUID | str, write: bool = False
) -> AmbitionEmploi:
    qs = (
        AmbitionEmploi.objects.writable_by(user)
        if write
        else AmbitionEmploi.objects.visible_to(user)
    )
    qs = qs.select_related("student", "school", "follow_up").prefetch_related(
        "partners", "pfmp_periods"
    )
    ambition: AmbitionEmploi = get_object_or_404(qs, public_id=public_id)
    return ambition


def get_droit_retour_for_user(
    user: Any, public_id: uuid.UUID | str, write: bool = False
) -> DroitRetour:
    qs = DroitRetour.objects.writable_by(user) if write else DroitRetour.objects.visible_to(user)
    qs = qs.select_related("student", "last_school", "proposal_school", "follow_up")
    droit: DroitRetour = get_object_or_404(qs, public_id=public_id)
    return droit


def partners_writable_by(user: Any) -> QuerySet[Partner]:
    """The directory entries the MLDS coordinator (or the administrator) may edit."""
    role = active_role(user)
    if role is None or role.role not in MLDS_WRITE_ROLES:
        return Partner.objects.none()
    partners: QuerySet[Partner] = Partner.objects.visible_to(user)
    return partners


def get_partner_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> Partner:
    qs = partners_writable_by(user) if write else Partner.objects.visible_to(user)
    partner: Partner = get_object_or_404(qs.select_related("departement"), public_id=public_id)
    return partner
