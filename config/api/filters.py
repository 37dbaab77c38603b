"""django-filter, strict: a filter the client sends must mean something.

django-filter ignores an empty value and reads a repeated parameter as its last value; a
boolean accepts "null" or "unknown". A client then gets unfiltered rows where it asked for a
filter. Here each declared filter takes one value, non-empty unless it is free text, and a
boolean is `true` or `false`; otherwise the answer is a 400 naming the parameter.
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions

BOOLEAN_VALUES = {"true", "false"}


class StrictFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            self.check_parameters(request, filterset_class)
        return super().get_filterset(request, queryset, view)

    @staticmethod
    def check_parameters(request, filterset_class):
        errors = {}
        for name, declared in filterset_class.base_filters.items():
            values = request.query_params.getlist(name)
            if not values:
                continue
            many = isinstance(
                declared, django_filters.MultipleChoiceFilter | django_filters.BaseCSVFilter
            )
            if len(values) > 1 and not many:
                errors[name] = ["Une seule valeur est attendue pour ce paramètre."]
            elif isinstance(declared, django_filters.BooleanFilter):
                if values[0] not in BOOLEAN_VALUES:
                    errors[name] = ["Valeur attendue : « true » ou « false »."]
            elif values[0] == "" and not isinstance(declared, django_filters.CharFilter):
                errors[name] = ["Valeur vide : retirez le paramètre ou donnez-lui une valeur."]
        if errors:
            raise exceptions.ValidationError(errors)
