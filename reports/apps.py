from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Indicateurs"

    def ready(self):
        # Indicator families built on the case apps register themselves on import.
        from . import families  # noqa: F401
