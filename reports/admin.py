from django.contrib import admin, messages
from django.db import transaction

from .models import ApiClient
from .services import make_service_user, rotate_key

KEY_NOTICE = (
    "Clé d'API de « {name} » : {key} — copiez-la maintenant et transmettez-la au client par un "
    "canal sûr ; elle ne sera plus jamais affichée (seule son empreinte est conservée)."
)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "rights", "territory", "is_active", "key_prefix", "last_used_at"]
    list_filter = ["rights", "is_active"]
    search_fields = ["name", "key_prefix", "contact_email"]
    raw_id_fields = ["etablissement", "bassin", "network", "departement", "academie"]
    readonly_fields = ["key_prefix", "created_at", "created_by", "last_used_at"]
    fields = [
        "name",
        "contact_email",
        "rights",
        ("academie", "departement", "bassin", "network", "etablissement"),
        "throttle_rate",
        "is_active",
        *readonly_fields,
    ]
    actions = ["regenerate_key"]

    @admin.display(description="territoire")
    def territory(self, obj):
        return obj.territory

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key, prefix, key_hash = ApiClient.new_key()
        obj.key_prefix, obj.key_hash = prefix, key_hash
        obj.service_user = make_service_user(prefix=prefix, name=obj.name)
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        messages.warning(request, KEY_NOTICE.format(name=obj.name, key=key))

    @admin.action(description="Régénérer la clé (l'ancienne cesse de fonctionner)")
    def regenerate_key(self, request, queryset):
        for client in queryset:
            messages.warning(
                request, KEY_NOTICE.format(name=client.name, key=rotate_key(client=client))
            )
