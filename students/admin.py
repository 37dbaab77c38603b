from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ImportJob, Student


@admin.register(Student)
class StudentAdmin(SimpleHistoryAdmin):
    search_fields = ["last_name", "first_name", "ine"]
    list_display = ["last_name", "first_name", "ine", "current_school", "level"]
    raw_id_fields = ["current_school"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Pupil imports as data: state, attempts, last heartbeat; relaunch a stuck one."""

    list_display = ["filename", "school", "status", "attempts", "created_at", "heartbeat_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
    actions = ["relaunch"]

    @admin.action(description="Relancer les imports sélectionnés (en attente, bloqués ou en échec)")
    def relaunch(self, request, queryset):
        from jobs import runner

        jobs = queryset.exclude(status__in=[ImportJob.Status.DONE, ImportJob.Status.REJECTED])
        count = 0
        for job in jobs:
            if job.attachments:
                runner.relaunch("students.import", job)
                count += 1
        self.message_user(request, f"{count} import(s) relancé(s).")

    def has_add_permission(self, request):
        return False
