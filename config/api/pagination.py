from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from config import keyset


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


class KeysetPagination(DefaultPagination):
    """`DefaultPagination` for the first pages (`?page=N`), and a signed cursor past them:
    `next` always carries `apres=<curseur>` (the rows after the last one returned, read on
    the list's ordered index, however deep), `previous` a page number for the first
    `page_links` pages and `avant=<curseur>` beyond. A cursor that does not verify is a
    French 400. `ordering`: the list's order, unique (ends with `id`), matching an index."""

    ordering: tuple[str, ...] = ("id",)
    page_links = 5

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        direction = next(
            (name for name in (keyset.AFTER, keyset.BEFORE) if name in request.query_params),
            None,
        )
        if direction is None:
            rows = super().paginate_queryset(queryset, request, view)
            page = self.page
            self.count, self.number = page.paginator.count, page.number
            self.num_pages = page.paginator.num_pages
            has_previous, has_next = page.has_previous(), page.has_next()
        else:
            if len(request.query_params.getlist(direction)) > 1:
                raise exceptions.ValidationError({direction: [keyset.BAD_CURSOR]})
            size = self.get_page_size(request)
            try:
                cursor = keyset.decode(request.query_params[direction])
                self.count = queryset.count()
                self.num_pages = max(1, -(-self.count // size))
                if direction == keyset.BEFORE and cursor.key is None:
                    size = keyset.last_page_size(self.count, size)
                page = keyset.read(
                    queryset, ordering=self.ordering, direction=direction, cursor=cursor,
                    size=size,
                )  # fmt: skip
            except keyset.BadCursor as exc:
                raise exceptions.ValidationError({direction: [str(exc)]}) from exc
            rows, has_previous, has_next = page.rows, page.has_previous, page.has_next
            self.number = page.number if has_next else self.num_pages
        url = remove_query_param(
            remove_query_param(
                remove_query_param(request.build_absolute_uri(), self.page_query_param),
                keyset.AFTER,
            ),
            keyset.BEFORE,
        )
        self.next_link = self.previous_link = None
        if has_next and rows:
            token = keyset.encode(rows[-1].pk, self.number + 1)
            self.next_link = replace_query_param(url, keyset.AFTER, token)
        if has_previous:
            previous = self.number - 1
            if previous <= self.page_links:
                self.previous_link = (
                    replace_query_param(url, self.page_query_param, previous)
                    if previous > 1
                    else url
                )
            else:
                token = keyset.encode(rows[0].pk if rows else None, previous)
                self.previous_link = replace_query_param(url, keyset.BEFORE, token)
        return rows

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.next_link,
                "previous": self.previous_link,
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for name, description in (
            (keyset.AFTER, "Curseur opaque : la page qui suit (lien « next » de la réponse)."),
            (keyset.BEFORE, "Curseur opaque : la page qui précède (lien « previous »)."),
        ):
            parameters.append(
                {
                    "name": name,
                    "required": False,
                    "in": "query",
                    "description": description,
                    "schema": {"type": "string"},
                }
            )
        return parameters
