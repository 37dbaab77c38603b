"""Workflows of the network's offer: referring a pupil consumes a place, exactly once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .enums import ReferralStatus
from .models import Referral, RemediationAction

if TYPE_CHECKING:
    from accounts.models import User
    from students.models import Student


@transaction.atomic
def refer_student(
    *,
    action: RemediationAction,
    student: Student,
    by: User,
    today: dt.date,
    comment: str = "",
) -> Referral:
    """Refer `student` to `action`.

    The action row is locked (select_for_update) while places are counted, so two staff
    members referring at once cannot both take the last place; the partial unique constraint
    keeps one active referral per pupil and action even under a double submit.
    """
    locked = RemediationAction.objects.select_for_update().get(pk=action.pk)
    if not locked.is_open_on(today):
        raise ValidationError("Cette action est terminée : plus d'orientation possible.")
    if (
        student.current_school_id is None
        or not locked.network.schools.filter(pk=student.current_school_id).exists()
    ):
        raise ValidationError("L'élève n'est pas scolarisé dans un établissement du réseau.")
    active = Referral.objects.filter(action=locked, status=ReferralStatus.ACTIVE)
    if active.filter(student=student).exists():
        raise ValidationError("Cet élève est déjà orienté vers cette action.")
    if active.count() >= locked.places:
        raise ValidationError("Plus aucune place disponible sur cette action.")
    try:
        with transaction.atomic():
            return Referral.objects.create(
                action=locked,
                student=student,
                school_id=student.current_school_id,
                referred_by=by,
                comment=comment[:300],
            )
    except IntegrityError as exc:
        raise ValidationError("Cet élève est déjà orienté vers cette action.") from exc
