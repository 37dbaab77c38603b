from django.contrib import admin

from . import runner
from .models import UploadJob


@admin.register(UploadJob)
class UploadJobAdmin(admin.ModelAdmin):
    """Results, SIEI and absences uploads as data: state, attempts, last heartbeat; relaunch a
    stuck one."""

    list_display = ["filename", "kind", "school", "departement", "status", "attempts", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in UploadJob._meta.fields]
    actions = ["relaunch"]

    @admin.action(description="Relancer les imports sélectionnés (en attente, bloqués ou en échec)")
    def relaunch(self, request, queryset):
        jobs = queryset.exclude(status__in=[UploadJob.Status.DONE, UploadJob.Status.REJECTED])
        count = 0
        for job in jobs.exclude(stored_name=""):
            runner.relaunch("jobs.upload", job)
            count += 1
        self.message_user(request, f"{count} import(s) relancé(s).")

    def has_add_permission(self, request):
        return False
