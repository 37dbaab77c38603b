from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User

from .models import BatchJob, PronouncementDelegation
from .perms import COMMISSION_ROLES


@admin.register(PronouncementDelegation)
class PronouncementDelegationAdmin(SimpleHistoryAdmin):
    """Who pronounces assignments for the IA-DASEN of a département (domain.md §4.5).
    An administrator sees and edits the délégations of the académies it administers."""

    list_display = ["delegate", "quality", "departement", "valid_from", "valid_until"]
    list_filter = ["departement"]
    search_fields = ["delegate__last_name", "delegate__first_name", "quality"]
    fields = ["departement", "delegate", "quality", "act_reference", "valid_from", "valid_until"]
    list_select_related = ["delegate", "departement"]

    def _academies(self, request):
        return None if request.user.is_superuser else request.user.administered_academie_ids

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        academies = self._academies(request)
        return qs if academies is None else qs.filter(departement__academie_id__in=academies)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        academies = self._academies(request)
        if db_field.name == "delegate":
            users = User.objects.filter(
                role_assignments__role__in=COMMISSION_ROLES, is_active=True
            ).distinct()
            if academies is not None:
                users = users.filter(role_assignments__departement__academie_id__in=academies)
            kwargs["queryset"] = users.order_by("last_name", "first_name")
        if db_field.name == "departement" and academies is not None:
            from territories.models import Departement

            kwargs["queryset"] = Departement.objects.filter(academie_id__in=academies)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(BatchJob)
class BatchJobAdmin(admin.ModelAdmin):
    """Letter batches as data: state, progress, attempts, last heartbeat; relaunch a stuck
    or failed one. An administrator sees the batches of the académies it administers."""

    list_display = ["__str__", "state", "departement", "attempts", "created_at", "heartbeat_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in BatchJob._meta.fields]
    actions = ["relaunch"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("departement")
        if request.user.is_superuser:
            return qs
        return qs.filter(departement__academie_id__in=request.user.administered_academie_ids)

    @admin.action(description="Relancer les lots sélectionnés (en attente, bloqués ou en échec)")
    def relaunch(self, request, queryset):
        from . import services

        count = sum(1 for batch in queryset if services.relaunch_batch(batch))
        self.message_user(request, f"{count} lot(s) relancé(s).")

    def has_add_permission(self, request):
        return False
