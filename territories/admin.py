from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CIO,
    Academie,
    Bassin,
    Departement,
    Etablissement,
    Network,
    Partner,
    RegionAcademique,
)

admin.site.register(RegionAcademique)


@admin.register(Academie)
class AcademieAdmin(admin.ModelAdmin):
    search_fields = ["name", "code"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    search_fields = ["name", "code"]


@admin.register(Bassin)
class BassinAdmin(admin.ModelAdmin):
    search_fields = ["name", "code"]
    list_display = ["name", "code", "departement"]


@admin.register(CIO)
class CIOAdmin(SimpleHistoryAdmin):
    search_fields = ["name", "uai"]


@admin.register(Etablissement)
class EtablissementAdmin(SimpleHistoryAdmin):
    search_fields = ["name", "uai", "commune"]
    list_display = ["uai", "name", "school_type", "commune", "departement"]
    list_filter = ["school_type", "departement"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["schools", "departements"]
    raw_id_fields = ["head_school"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name", "kind"]
    list_filter = ["kind"]
