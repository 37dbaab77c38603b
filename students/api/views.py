import uuid

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.perms import SCOPED, HasScopedRole
from audit.api import ListReadLogMixin
from audit.models import AccessLog
from audit.services import log_read
from config.api.pagination import KeysetPagination
from territories.enums import Voie

from .. import services
from ..enums import Level
from ..models import Student
from ..perms import get_student_for_user
from .serializers import (
    EnrolmentSerializer,
    ExitInputSerializer,
    StudentDetailSerializer,
    StudentListSerializer,
)


class StudentFilter(django_filters.FilterSet):
    school = django_filters.CharFilter(
        field_name="current_school__uai", label="UAI de l'établissement"
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, label="Niveau")
    voie = django_filters.ChoiceFilter(choices=Voie.choices, label="Voie")
    ine = django_filters.CharFilter(label="INE")
    q = django_filters.CharFilter(method="filter_q", label="Nom, prénom ou INE")

    class Meta:
        model = Student
        fields = ["school", "level", "voie", "ine"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class StudentPagination(KeysetPagination):
    ordering = ("last_name", "first_name", "id")  # Student.Meta.ordering, indexed per scope


class StudentViewSet(ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    """Pupils of the token's account scope. Each retrieval is logged. Deep pages by cursor
    (`next` carries `apres=`)."""

    access_scope = SCOPED
    permission_classes = [HasScopedRole]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_class = StudentFilter
    read_log_student = "pk"
    pagination_class = StudentPagination

    def get_queryset(self):
        qs = Student.objects.visible_to(self.request.user).select_related("current_school")
        if self.action == "retrieve":
            qs = qs.prefetch_related("representatives", "enrolments__school")
        return qs

    def get_serializer_class(self):
        return StudentDetailSerializer if self.action == "retrieve" else StudentListSerializer

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        log_read(request=request, obj=self.get_object(), channel=AccessLog.Channel.API)
        return response

    @extend_schema(
        request=ExitInputSerializer,
        responses={200: EnrolmentSerializer},
        summary="Enregistrer la sortie d'un élève de votre établissement",
    )
    @action(detail=True, methods=["post"], url_path="sortie")
    def record_exit(self, request, id=None):
        """Close the pupil's open enrolment in the caller's school (school staff only)."""
        try:
            uuid.UUID(str(id))
        except ValueError:
            raise Http404 from None
        student = get_student_for_user(request.user, id, write=True)
        payload = ExitInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            enrolment = services.record_exit(
                student=student,
                exit_date=payload.validated_data["exit_date"],
                motif_code=payload.validated_data["motif"],
                by=request.user,
            )
        except ValidationError as exc:
            raise serializers.ValidationError({"exit_date": exc.messages}) from exc
        return Response(EnrolmentSerializer(enrolment).data)
