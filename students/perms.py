import uuid
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import STUDENT_WRITE_ROLES

from .models import Student


def can_write_students(user: Any) -> bool:
    role = getattr(user, "active_role", None)
    return role is not None and role.role in STUDENT_WRITE_ROLES


def get_student_for_user(user: Any, public_id: Any, write: bool = False) -> Student:
    """The pupil if inside the active scope (and writable when asked), else 404."""
    qs = Student.objects.visible_to(user).select_related(
        "current_school__bassin", "current_school__departement"
    )
    if write and not can_write_students(user):
        qs = qs.none()
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    student: Student = get_object_or_404(qs, public_id=public_id)
    return student
