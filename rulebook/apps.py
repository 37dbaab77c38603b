from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "rulebook"
    verbose_name = "Règles en vigueur"

    def ready(self):
        from django.core import checks
        from django.utils.module_loading import autodiscover_modules

        from . import registry

        # Every app declares its rules in its rules.py: import them all so the page and the
        # system check see the complete list.
        autodiscover_modules("rules")
        checks.register(registry.check_settings)
