"""FoQualE calls for projects and projects: read within the scope, and the lifecycle's actions
generated from `foquale/workflow.py` (same forms, guards and messages as the pages)."""

from rest_framework import viewsets

from accounts.perms import SCOPED, HasScopedRole
from workflows.api import WorkflowActionsMixin

from ..models import CallForProjects, Project
from ..perms import get_call_for_user, get_project_for_user
from ..workflow import CALL_WORKFLOW, PROJECT_WORKFLOW, SCHOOL_HEAD
from .serializers import CallSerializer, ProjectSerializer


class CallViewSet(WorkflowActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Calls for projects of the académie (drafts for its reviewers only); `actions/<name>/`
    opens, closes or publishes a call (académie reviewers)."""

    workflow = CALL_WORKFLOW

    access_scope = SCOPED
    access_nominative = False
    permission_classes = [HasScopedRole]
    serializer_class = CallSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = {"status": ["exact"]}

    def get_queryset(self):
        return CallForProjects.objects.visible_to(self.request.user).order_by("-created_at", "id")

    def get_action_object(self):
        return get_call_for_user(self.request.user, self.kwargs["id"], write=True)


class ProjectViewSet(WorkflowActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Projects of the scope; `actions/<name>/` submits or withdraws (the school's head) or
    decides (the académie's reviewers), with `version` to refuse a stale write."""

    workflow = PROJECT_WORKFLOW

    access_scope = SCOPED
    access_roles = None
    access_nominative = False
    permission_classes = [HasScopedRole]
    serializer_class = ProjectSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = {"status": ["exact"]}

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .select_related("call", "school")
            .order_by("-created_at", "id")
        )

    def get_action_object(self):
        write = self.action_transition.may is SCHOOL_HEAD
        return get_project_for_user(self.request.user, self.kwargs["id"], write=write)
