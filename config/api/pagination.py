from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


def strict_int(request, name: str, *, default: int, maximum: int | None = None) -> int:
    """A single integer query parameter ≥ 1 (≤ `maximum`), else a French 400."""
    values = request.query_params.getlist(name)
    if not values:
        return default
    label = "La taille de page" if name.endswith("size") else "Le numéro de page"
    bound = f" et {maximum} au plus" if maximum else ""
    message = f"{label} (« {name} ») doit être un entier, 1 au moins{bound}."
    if len(values) > 1 or not values[0].isdigit():
        raise exceptions.ValidationError({name: [message]})
    value = int(values[0])
    if value < 1 or (maximum and value > maximum):
        raise exceptions.ValidationError({name: [message]})
    return value


class DefaultPagination(PageNumberPagination):
    """Page-number pagination that refuses, rather than silently replaces, a malformed
    `page` or `page_size` (a client then knows its request was not understood)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        strict_int(request, self.page_query_param, default=1)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        return strict_int(
            request, self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
