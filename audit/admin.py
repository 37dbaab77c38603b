from django.contrib import admin

from .models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "role", "channel", "object_type", "object_id"]
    list_filter = ["channel", "object_type"]
    search_fields = ["object_id", "user__username"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
