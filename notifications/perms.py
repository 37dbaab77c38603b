from django.http import Http404
from django.shortcuts import get_object_or_404

from . import registry
from .models import Reminder


def get_reminder_for_user(user, public_id, write: bool = False) -> Reminder:
    """One of the account's own inbox items about a case it may open, else 404. Writing
    (suspending the case's reminders) needs the write right on the case."""
    reminder = get_object_or_404(
        Reminder.objects.for_user(user).select_related("deadline"), public_id=public_id
    )
    if write:
        case = registry.case_type(_case_label(reminder.deadline.content_type_id))
        if case is None or not case.writable(user).filter(pk=reminder.deadline.object_id).exists():
            raise Http404("Dossier introuvable.")
    return reminder


def get_case_for_user(user, case_type: str, public_id, write: bool = False):
    """A case of any app (`app_label.model`, addressed by its public_id) that the account may
    open, or act on when `write` (the owning app's rules, as registered), else 404."""
    case = registry.case_type(case_type) if "." in case_type else None
    if case is None or not any(f.name == "public_id" for f in case.model._meta.get_fields()):
        raise Http404("Dossier introuvable.")
    qs = case.writable(user) if write else case.visible(user)
    return get_object_or_404(qs, public_id=public_id)


def subject_of(reminder: Reminder):
    """The case a reminder is about."""
    case = registry.case_type(_case_label(reminder.deadline.content_type_id))
    return case.model._default_manager.get(pk=reminder.deadline.object_id)


def _case_label(content_type_id: int) -> str:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_id(content_type_id)
    return f"{ct.app_label}.{ct.model}"


def case_type_of(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"
