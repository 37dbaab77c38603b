from django.contrib import admin

from .models import Network


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["schools", "departements"]
    raw_id_fields = ["head_school"]
