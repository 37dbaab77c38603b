from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CIO, Academie, Bassin, Departement, Etablissement, RegionAcademique

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
