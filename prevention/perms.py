"""One `get_<object>_for_user` per object type: the object inside the scope, or 404."""

import uuid
from typing import Any, TypeVar

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import (
    INSPECTION_ROLES,
    PREVENTION_READ_ROLES,
    PREVENTION_SCHOOL_READ_ROLES,
    PREVENTION_WRITE_ROLES,
    active_role,
)
from students.models import Student

from .models import Derogatoire, GpdsMeeting, Pafi, Tdo
from .models.base import PathBase, can_write

PathT = TypeVar("PathT", bound=PathBase)

__all__ = [
    "INSPECTION_ROLES",
    "PREVENTION_READ_ROLES",
    "PREVENTION_SCHOOL_READ_ROLES",
    "PREVENTION_WRITE_ROLES",
    "can_write",
    "get_derogatoire_for_user",
    "get_meeting_for_user",
    "get_pafi_for_user",
    "get_student_for_user",
    "get_tdo_for_user",
    "writable_schools",
]


def writable_schools(user: Any) -> list[int]:
    role = active_role(user)
    if role is None or role.role not in PREVENTION_WRITE_ROLES or role.etablissement_id is None:
        return []
    return [role.etablissement_id]


def get_student_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> Student:
    """A pupil seen through prevention: the school's staff (write) or its CIO / admin (read)."""
    role = active_role(user)
    if role is None or role.role not in PREVENTION_SCHOOL_READ_ROLES:
        raise Http404("Élève introuvable.")
    qs = Student.objects.visible_to(user).select_related("current_school__departement")
    if write:
        qs = qs.filter(current_school_id__in=writable_schools(user))
    student: Student = get_object_or_404(qs, public_id=public_id)
    return student


def get_meeting_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> GpdsMeeting:
    qs = GpdsMeeting.objects.writable_by(user) if write else GpdsMeeting.objects.visible_to(user)
    meeting: GpdsMeeting = get_object_or_404(qs.select_related("school"), public_id=public_id)
    return meeting


def _get_path(
    model: type[PathT], user: Any, public_id: uuid.UUID | str, write: bool, departement: bool
) -> PathT:
    if write:
        qs = model.objects.writable_by(user)
    elif departement:
        role = active_role(user)
        if role is None or role.role not in INSPECTION_ROLES:
            raise Http404("Parcours introuvable.")
        qs = model.objects.visible_to(user)
    else:
        qs = model.objects.visible_to(user)
    path: PathT = get_object_or_404(
        qs.select_related("student", "school__departement"), public_id=public_id
    )
    return path


def get_pafi_for_user(
    user: Any, public_id: uuid.UUID | str, write: bool = False, departement: bool = False
) -> Pafi:
    return _get_path(Pafi, user, public_id, write, departement)


def get_derogatoire_for_user(
    user: Any, public_id: uuid.UUID | str, write: bool = False, departement: bool = False
) -> Derogatoire:
    return _get_path(Derogatoire, user, public_id, write, departement)


def get_tdo_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> Tdo:
    return _get_path(Tdo, user, public_id, write, False)
