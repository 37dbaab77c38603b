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
    PartnerContact,
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


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """The one partner directory: MLDS (PSAD), FoQualE networks, Tous droits ouverts."""

    search_fields = ["name", "psad", "territory"]
    list_display = ["name", "partner_type", "departement", "is_active"]
    list_filter = ["partner_type", "departement", "is_active"]
    inlines = [PartnerContactInline]
