import uuid
from typing import Any

from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404

from . import registry
from .models import Reminder


def get_reminder_for_user(user: Any, public_id: uuid.UUID | str, write: bool = False) -> Reminder:
    """One of the account's own inbox items about a case it may open, else 404. Writing
    (suspending the case's reminders) needs the write right on the case."""
    reminder: Reminder = get_object_or_404(
        Reminder.objects.for_user(user).select_related("deadline"), public_id=public_id
    )
    if write:
        case = registry.case_type(_case_label(reminder.deadline.content_type_id))
        if case is None or not case.writable(user).filter(pk=reminder.deadline.object_id).exists():
            raise Http404("Dossier introuvable.")
    return reminder


def get_case_for_user(
    user: Any, case_type: str, public_id: uuid.UUID | str, write: bool = False
) -> Model:
    """A case of any app (`app_label.model`, addressed by its public_id) that the account may
    open, or act on when `write` (the owning app's rules, as registered), else 404."""
    case = registry.case_type(case_type) if "." in case_type else None
    model = _model(case)
    if model is None or not any(f.name == "public_id" for f in model._meta.get_fields()):
        raise Http404("Dossier introuvable.")
    assert case is not None
    qs = case.writable(user) if write else case.visible(user)
    found: Model = get_object_or_404(qs, public_id=public_id)
    return found


def subject_of(reminder: Reminder) -> Model:
    """The case a reminder is about."""
    model = _model(registry.case_type(_case_label(reminder.deadline.content_type_id)))
    if model is None:
        raise LookupError(f"Type de dossier non enregistré : {reminder.deadline.content_type_id}")
    return model._default_manager.get(pk=reminder.deadline.object_id)


def _model(case: registry.CaseType | None) -> type[Model] | None:
    """The registered case's model (registry.CaseType holds it untyped)."""
    if case is None:
        return None
    model: type[Model] = case.model
    return model


def _case_label(content_type_id: int) -> str:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_id(content_type_id)
    return f"{ct.app_label}.{ct.model}"


def case_type_of(obj: Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"
