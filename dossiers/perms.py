"""Who may read and write re-preparation dossiers and commission sessions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import COMMISSION_ROLES, HEAD_ROLES, role_in

if TYPE_CHECKING:
    from .models import BatchJob, CommissionSession, GeneratedDocument, RepreparationDossier


def get_dossier_for_user(
    user: Any,
    public_id: uuid.UUID | str,
    write: bool = False,
    roles: Iterable[str] | None = None,
) -> RepreparationDossier:
    """The dossier if inside the active scope (and the role may write it when asked), else 404."""
    from .models import RepreparationDossier

    qs = RepreparationDossier.objects.visible_to(user).select_related(
        "student",
        "school__departement",
        "exam_result",
        "proposed_school__departement",
        "commission_departement",
        "enrolled_school",
        "decision__capacity__school",
        "decision__session",
        "decision__pronounced_by",
    )
    if write and not role_in(user, roles or HEAD_ROLES):
        raise Http404("Page introuvable.")
    dossier: RepreparationDossier = get_object_or_404(qs, public_id=public_id)
    return dossier


def get_session_for_user(
    user: Any, public_id: uuid.UUID | str, write: bool = False
) -> CommissionSession:
    from .models import CommissionSession

    qs = CommissionSession.objects.visible_to(user).select_related("commission__departement")
    if write and not role_in(user, COMMISSION_ROLES):
        raise Http404("Page introuvable.")
    session: CommissionSession = get_object_or_404(qs, public_id=public_id)
    return session


def get_document_for_user(user: Any, public_id: uuid.UUID | str) -> GeneratedDocument:
    from .models import GeneratedDocument

    document: GeneratedDocument = get_object_or_404(
        GeneratedDocument.objects.visible_to(user), public_id=public_id
    )
    return document


def get_batch_for_user(user: Any, public_id: uuid.UUID | str) -> BatchJob:
    from .models import BatchJob

    batch: BatchJob = get_object_or_404(BatchJob.objects.visible_to(user), public_id=public_id)
    return batch
