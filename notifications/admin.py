from django.contrib import admin, messages
from django.utils import timezone

from .models import (
    CalendarClosure,
    Deadline,
    Digest,
    DigestLog,
    ExamSession,
    Reminder,
    SchoolCalendar,
    Suspension,
)


class ExamSessionInline(admin.TabularInline):
    model = ExamSession
    extra = 0


class CalendarClosureInline(admin.TabularInline):
    model = CalendarClosure
    extra = 0


@admin.register(SchoolCalendar)
class SchoolCalendarAdmin(admin.ModelAdmin):
    """The one school calendar: a national row per school year, académie rows where they
    differ. Dates missing from both are listed on the administrator's dashboard."""

    list_display = [
        "where",
        "school_year",
        "zone",
        "rentree",
        "end_of_classes",
        "sans_solution_sweep_date",
    ]
    list_filter = ["school_year", "academie", "zone"]
    fields = [
        "academie",
        "school_year",
        "zone",
        "rentree",
        "end_of_classes",
        "sans_solution_sweep_date",
    ]
    inlines = [ExamSessionInline, CalendarClosureInline]

    @admin.display(description="calendrier", ordering="academie")
    def where(self, obj):
        return obj.academie or "Calendrier national (toutes les académies)"


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "due_date", "completed_at", "school"]
    list_filter = ["kind"]
    search_fields = ["label"]
    date_hierarchy = "due_date"
    raw_id_fields = ["student", "school", "departement", "assignee"]
    list_select_related = ["school"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["deadline", "stage", "due_date", "recipient", "state", "read_at"]
    list_filter = ["stage", "state", "is_urgent"]
    raw_id_fields = ["deadline", "recipient", "digest"]
    list_select_related = ["deadline", "recipient"]
    readonly_fields = ["public_id", "created_at"]


class DigestLogInline(admin.TabularInline):
    model = DigestLog
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_state", "to_state", "error"]


@admin.action(description="Relancer maintenant les synthèses en échec")
def retry_now(modeladmin, request, queryset):
    from . import tasks

    count = queryset.filter(state="echec").update(next_attempt_at=timezone.now())
    tasks.send_digests.delay_on_commit()
    messages.success(request, f"{count} synthèse(s) relancée(s).")


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["recipient", "day", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "day"]
    raw_id_fields = ["recipient"]
    list_select_related = ["recipient"]
    inlines = [DigestLogInline]
    actions = [retry_now]


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "reason", "suspended_by", "suspended_at"]
    list_filter = ["resumed_at"]
    raw_id_fields = ["suspended_by", "resumed_by"]
