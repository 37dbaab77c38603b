from django.apps import AppConfig


class MldsConfig(AppConfig):
    name = "mlds"
    verbose_name = "MLDS"

    def ready(self):
        # Deadline kinds and case types of this app (see notifications.registry).
        from . import deadlines, hooks

        deadlines.register()

        from jobs.uploads import register_upload

        from .siei import run_upload

        register_upload("siei", run=run_upload)
        # What `students` asks of this app (students.hooks): it cannot import it.
        hooks.register()
