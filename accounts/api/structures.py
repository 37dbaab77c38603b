import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets

from territories.enums import SchoolType
from territories.models import Etablissement

from ..perms import SCOPED, HasScopedRole
from .serializers import EtablissementSerializer


class EtablissementFilter(django_filters.FilterSet):
    departement = django_filters.CharFilter(field_name="departement__code", label="Département")
    bassin = django_filters.CharFilter(field_name="bassin__code", label="Bassin")
    school_type = django_filters.ChoiceFilter(choices=SchoolType.choices, label="Type")

    class Meta:
        model = Etablissement
        fields = ["departement", "bassin", "school_type"]


class EtablissementViewSet(viewsets.ReadOnlyModelViewSet):
    """Schools of the account scope; structures are not personal, so aggregate roles see them."""

    access_scope = SCOPED
    access_nominative = False
    permission_classes = [HasScopedRole]
    serializer_class = EtablissementSerializer
    lookup_field = "uai"
    # The shape of a UAI (7 digits and a letter): anything else is not found, and the schema
    # says so, so clients and schema-based tests know the format.
    lookup_value_regex = "[0-9]{7}[A-Za-z]"
    filterset_class = EtablissementFilter

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "uai",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern="^[0-9]{7}[A-Za-z]$",
                description="UAI de l'établissement (7 chiffres et une lettre).",
            )
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def get_queryset(self):
        return Etablissement.objects.visible_to(self.request.user).select_related(
            "departement", "bassin"
        )
