from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Deadline, Reminder


def get_reminder_for_user(user, public_id, write: bool = False) -> Reminder:
    """One of the account's own inbox items, else 404. Writing (suspending the case) also
    needs the case to be in the active scope."""
    reminder = get_object_or_404(
        Reminder.objects.filter(recipient=user).select_related("deadline"), public_id=public_id
    )
    if write and not Deadline.objects.visible_to(user).filter(pk=reminder.deadline_id).exists():
        raise Http404("Dossier introuvable.")
    return reminder


def get_case_for_user(user, case_type: str, public_id, write: bool = False):
    """A case of any app (`app_label.model`, addressed by its public_id) whose deadlines lie in
    the active scope, else 404."""
    try:
        app_label, model = case_type.split(".", 1)
        ct = ContentType.objects.get_by_natural_key(app_label, model)
        model_class = ct.model_class()
        model_class._meta.get_field("public_id")
    except (ValueError, ContentType.DoesNotExist, FieldDoesNotExist, AttributeError):
        raise Http404("Dossier introuvable.") from None
    case = get_object_or_404(model_class, public_id=public_id)
    if not Deadline.objects.visible_to(user).filter(content_type=ct, object_id=case.pk).exists():
        raise Http404("Dossier introuvable.")
    return case


def case_type_of(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"
