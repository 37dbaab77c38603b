from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ImportProfile


def _administrator(request) -> bool:
    return bool(getattr(request.user, "is_administrator", False))


@admin.register(ImportProfile)
class ImportProfileAdmin(SimpleHistoryAdmin):
    """Column profiles of the results, SIEI and absences imports; administrators only."""

    list_display = ["name", "kind", "active", "priority", "skip_lines", "updated_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "description", "header_aliases"]
    fields = [
        "kind",
        "name",
        "description",
        "active",
        "priority",
        "header_aliases",
        "skip_lines",
        "strip_chars",
        "blank_values",
        "separators",
        "encoding",
        "date_formats",
    ]

    def has_module_permission(self, request):
        return _administrator(request)

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    def has_add_permission(self, request):
        return _administrator(request)

    def has_change_permission(self, request, obj=None):
        return _administrator(request)

    def has_delete_permission(self, request, obj=None):
        return _administrator(request)
