import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from students.enums import Level
from territories.enums import Voie

from ..indicators import Family, dropout_q


@extend_schema_field({"type": "integer", "minimum": 1990, "maximum": 2100})
class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1990)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


TERRITORY_FILTERS = {
    "departement": "departement__code",
    "bassin": "bassin__code",
    "reseau": "foquale_networks__public_id",
    "etablissement": "uai",
}


def territory_filters(school: str) -> dict:
    return {
        "departement": django_filters.CharFilter(
            field_name=f"{school}__departement__code", label="Code du département (ex. 077)"
        ),
        "bassin": django_filters.CharFilter(
            field_name=f"{school}__bassin__code", label="Code du bassin"
        ),
        "reseau": django_filters.UUIDFilter(
            field_name=f"{school}__foquale_networks__public_id",
            label="Identifiant du réseau FoQualE",
        ),
        "etablissement": django_filters.CharFilter(
            field_name=f"{school}__uai", label="UAI de l'établissement"
        ),
    }


def report_filterset(family: Family) -> type[django_filters.FilterSet]:
    """Filters on the family's rows, before aggregation."""
    attrs = {
        **territory_filters(family.school),
        "voie": django_filters.ChoiceFilter(
            field_name=family.voie, choices=Voie.choices, label="Voie"
        ),
        "niveau": django_filters.ChoiceFilter(
            field_name=family.level, choices=Level.choices, label="Niveau"
        ),
        "annee": YearFilter(field_name=family.year, label="Année scolaire (année de la rentrée)"),
        "annee_min": YearFilter(field_name=family.year, lookup_expr="gte", label="Depuis l'année"),
        "annee_max": YearFilter(field_name=family.year, lookup_expr="lte", label="Jusqu'à l'année"),
        "Meta": type("Meta", (), {"model": family.base().model, "fields": []}),
    }
    return type(f"{family.slug.title()}Filter", (django_filters.FilterSet,), attrs)


class DropoutEnrolmentFilter(django_filters.FilterSet):
    departement = territory_filters("school")["departement"]
    bassin = territory_filters("school")["bassin"]
    reseau = territory_filters("school")["reseau"]
    etablissement = territory_filters("school")["etablissement"]
    voie = django_filters.ChoiceFilter(choices=Voie.choices, label="Voie")
    niveau = django_filters.ChoiceFilter(field_name="level", choices=Level.choices, label="Niveau")
    annee = YearFilter(field_name="school_year", label="Année scolaire (année de la rentrée)")
    decrocheur = django_filters.BooleanFilter(
        method="filter_dropout", label="Seulement les décrocheurs (true) ou les autres (false)"
    )

    class Meta:
        from students.models import Enrolment

        model = Enrolment
        fields = []

    def filter_dropout(self, queryset, name, value):
        return queryset.filter(dropout_q()) if value else queryset.exclude(dropout_q())
