import django_filters
from rest_framework import viewsets

from accounts.perms import SCOPED, HasScopedRole
from audit.api import ListReadLogMixin
from audit.models import AccessLog
from audit.services import log_read
from territories.enums import Voie

from ..enums import Level
from ..models import Student
from .serializers import StudentDetailSerializer, StudentListSerializer


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


class StudentViewSet(ListReadLogMixin, viewsets.ReadOnlyModelViewSet):
    """Pupils of the token's account scope. Each retrieval is logged."""

    access_scope = SCOPED
    permission_classes = [HasScopedRole]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_class = StudentFilter
    read_log_student = "pk"

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
