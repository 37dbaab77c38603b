from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Traçabilité"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app holding personal data declares it in its retention.py (audit.retention).
        autodiscover_modules("retention")
