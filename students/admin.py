from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Student


@admin.register(Student)
class StudentAdmin(SimpleHistoryAdmin):
    search_fields = ["last_name", "first_name", "ine"]
    list_display = ["last_name", "first_name", "ine", "current_school", "level"]
    raw_id_fields = ["current_school"]
