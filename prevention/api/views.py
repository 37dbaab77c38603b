import django_filters
from django.shortcuts import get_object_or_404
from rest_framework import mixins, viewsets

from accounts.perms import SCOPED, HasScopedRole
from accounts.roles import (
    INSPECTION_ROLES,
    PREVENTION_READ_ROLES,
    PREVENTION_SCHOOL_READ_ROLES,
    role_in,
)
from audit.api import ListReadLogMixin
from workflows.api import WorkflowActionsMixin

from ..enums import FlagReason
from ..models import Derogatoire, Flag, GpdsReview, Pafi, Tdo
from . import serializers


class FlagFilter(django_filters.FilterSet):
    reason = django_filters.ChoiceFilter(choices=FlagReason.choices, label="Motif")
    school = django_filters.CharFilter(field_name="school__uai", label="UAI")

    class Meta:
        model = Flag
        fields = ["reason", "school"]


class FlagViewSet(ListReadLogMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Early signals of the scope (list only): an aid for staff, never a decision."""

    access_scope = SCOPED
    access_roles = PREVENTION_SCHOOL_READ_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = serializers.FlagSerializer
    filterset_class = FlagFilter

    def get_queryset(self):
        return (
            Flag.objects.visible_to(self.request.user)
            .select_related("student", "school")
            .order_by("since", "student_id", "reason")
        )


class GpdsReviewViewSet(ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    access_scope = SCOPED
    access_roles = PREVENTION_SCHOOL_READ_ROLES
    permission_classes = [HasScopedRole]
    serializer_class = serializers.GpdsReviewSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["decision"]

    def get_queryset(self):
        return (
            GpdsReview.objects.visible_to(self.request.user)
            .select_related("student", "meeting__school")
            .order_by("-meeting__date", "id")
        )


class PathViewSet(WorkflowActionsMixin, ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    """A prevention path of the scope; `actions/<name>/` applies the page's actions with the
    same fields (the school's own paths; the département's inspectors for their opinion and
    decision)."""

    access_scope = SCOPED
    access_roles = PREVENTION_READ_ROLES
    permission_classes = [HasScopedRole]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["status"]
    model = None

    def get_queryset(self):
        return (
            self.model.objects.visible_to(self.request.user)
            .select_related("student", "school")
            .order_by("-created_at", "id")
        )

    def get_action_object(self):
        user = self.request.user
        if role_in(user, INSPECTION_ROLES):
            qs = self.model.objects.visible_to(user)
        else:
            qs = self.model.objects.writable_by(user)
        return get_object_or_404(
            qs.select_related("student", "school__departement"), public_id=self.kwargs["id"]
        )


class PafiViewSet(PathViewSet):
    model = Pafi
    workflow = Pafi.lifecycle()
    serializer_class = serializers.PafiSerializer


class DerogatoireViewSet(PathViewSet):
    model = Derogatoire
    workflow = Derogatoire.lifecycle()
    serializer_class = serializers.DerogatoireSerializer


class TdoViewSet(PathViewSet):
    access_roles = PREVENTION_SCHOOL_READ_ROLES
    model = Tdo
    workflow = Tdo.lifecycle()
    serializer_class = serializers.TdoSerializer

    def get_queryset(self):
        # The partner's name and type come from the directory.
        return super().get_queryset().select_related("partner", "contact")
