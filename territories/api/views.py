import django_filters
from rest_framework import viewsets

from accounts.perms import SCOPED, HasScopedRole

from ..enums import SchoolType
from ..models import Etablissement
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
    filterset_class = EtablissementFilter

    def get_queryset(self):
        return Etablissement.objects.visible_to(self.request.user).select_related(
            "departement", "bassin"
        )
