from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = "Élèves"

    def ready(self):
        # Deadline kinds and case types of this app (see notifications.registry).
        from . import deadlines

        deadlines.register()
