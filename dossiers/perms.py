"""Who may read and write re-preparation dossiers and commission sessions."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import COMMISSION_ROLES, HEAD_ROLES, role_in


def get_dossier_for_user(user, public_id, write: bool = False, roles=None):
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
    return get_object_or_404(qs, public_id=public_id)


def get_session_for_user(user, public_id, write: bool = False):
    from .models import CommissionSession

    qs = CommissionSession.objects.visible_to(user).select_related("commission__departement")
    if write and not role_in(user, COMMISSION_ROLES):
        raise Http404("Page introuvable.")
    return get_object_or_404(qs, public_id=public_id)


def get_document_for_user(user, public_id):
    from .models import GeneratedDocument

    return get_object_or_404(GeneratedDocument.objects.visible_to(user), public_id=public_id)


def get_batch_for_user(user, public_id):
    from .models import BatchJob

    return get_object_or_404(BatchJob.objects.visible_to(user), public_id=public_id)
