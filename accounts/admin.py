from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuthEvent, OidcIdentity, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["etablissement", "bassin", "departement", "network", "academie"]


class OidcIdentityInline(admin.TabularInline):
    model = OidcIdentity
    extra = 0
    readonly_fields = ["issuer", "sub", "idp_id", "created_at", "last_used_at"]
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline, OidcIdentityInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "last_login"]
    readonly_fields = ["last_login", "last_login_method"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Connexion", {"fields": ["home_academie", "last_login_method"]}),
    ]


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    """Read-only: the audit is written by the application, never edited."""

    list_display = ["at", "kind", "method", "username", "ip", "provider", "reason"]
    list_filter = ["kind", "method"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
