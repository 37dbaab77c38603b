from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "prevention"
    verbose_name = "Prévention en établissement"

    def ready(self):
        # Deadline kinds and case types of this app (see notifications.registry).
        from . import deadlines

        deadlines.register()

        from jobs.uploads import register_upload

        from .imports import run_upload

        register_upload("absences", run=run_upload)
