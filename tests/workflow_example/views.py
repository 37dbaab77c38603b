"""Step 4: the page, its generated action view, and the API with its generated endpoint."""

from django.shortcuts import get_object_or_404, render
from rest_framework import serializers, viewsets

from accounts.perms import SCOPED, HasScopedRole, access
from accounts.roles import SCHOOL_ROLES
from workflows.api import WorkflowActionsMixin
from workflows.views import action_view

from .models import CertificateRequest
from .workflow import CERTIFICATE_WORKFLOW


def get_request_for_user(user, public_id):
    return get_object_or_404(CertificateRequest.objects.visible_to(user), public_id=public_id)


def render_request(request, obj, *, bound=None, status=200):
    offers = CERTIFICATE_WORKFLOW.offers(obj, request.user, bound=bound)
    context = {
        "obj": obj,
        "offers": offers,
        "next_step": CERTIFICATE_WORKFLOW.next_step(obj, offers),
        "version": obj.version,
    }
    return render(request, "workflow_example/detail.html", context, status=status)


@access(SCOPED, roles=SCHOOL_ROLES)
def detail(request, public_id):
    return render_request(request, get_request_for_user(request.user, public_id))


action = action_view(
    CERTIFICATE_WORKFLOW,
    roles=SCHOOL_ROLES,
    get_object=get_request_for_user,
    render_page=render_request,
)


class CertificateRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificateRequest
        fields = ["public_id", "state", "delivered_on", "refusal_reason", "version"]


class CertificateRequestViewSet(WorkflowActionsMixin, viewsets.ReadOnlyModelViewSet):
    access_scope = SCOPED
    access_roles = SCHOOL_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = CertificateRequestSerializer
    lookup_field = "public_id"
    workflow = CERTIFICATE_WORKFLOW

    def get_queryset(self):
        return CertificateRequest.objects.visible_to(self.request.user)
