"""The one API action endpoint per workflow, generated from the same declaration as the pages."""

import inspect

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .engine import Workflow

NOT_FOUND = "Ressource introuvable ou hors de votre périmètre."


def run_api_action(view, workflow: Workflow, instance, name: str, data) -> Response | None:
    """Validate `data` with the transition's page form and run it; a Response on refusal."""
    transition = workflow.page_actions().get(name)
    if transition is None or not transition.may(view.request.user):
        raise NotFound(NOT_FOUND)
    form = workflow.make_form(name, instance, data, prefix=False)
    if form is not None and not form.is_valid():
        errors = {k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()}
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    cleaned = dict(form.cleaned_data) if form is not None else {}
    # A free comment is accepted by every transition method, even when its form has none.
    if hasattr(data, "get") and data.get("comment") and "comment" not in cleaned:
        method = getattr(instance, transition.method)
        if "comment" in inspect.signature(method).parameters:
            cleaned["comment"] = str(data.get("comment"))[:2000]
    try:
        workflow.run(
            instance,
            name,
            by=view.request.user,
            data=cleaned,
            expected_version=data.get("version") if hasattr(data, "get") else None,
        )
    except ValidationError as exc:
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
    return None


class WorkflowActionsMixin:
    """Adds POST <detail>/actions/<name>/ to a viewset: the body holds the fields of the
    action's form (the same form as the page, without prefix); the answer is the case."""

    workflow: Workflow
    action_serializer_class = None  # the case's representation (default: the viewset's)
    action_transition = None  # the transition being run (who writes may depend on it)

    def get_action_object(self):
        return self.get_object()

    def action_response(self, instance):
        instance = self.get_queryset().get(pk=instance.pk)
        serializer_class = self.action_serializer_class or self.get_serializer_class()
        return Response(serializer_class(instance, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH)],
        request={"application/json": {"type": "object"}},
        description="Applique une action du cycle de vie ; le corps porte les champs du "
        "formulaire de l'action (comme sur la page).",
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<name>[a-z_-]+)")
    def actions(self, request, name=None, **kwargs):
        self.action_transition = self.workflow.page_actions().get(name)
        if self.action_transition is None or not self.action_transition.may(request.user):
            raise NotFound(NOT_FOUND)
        instance = self.get_action_object()
        refused = run_api_action(self, self.workflow, instance, name, request.data)
        return refused or self.action_response(instance)
