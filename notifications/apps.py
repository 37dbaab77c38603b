from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Échéances et notifications"

    def ready(self):
        # Deadline kinds and case types of this app (see notifications.registry).
        from . import deadlines

        deadlines.register()
