from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Échéances et notifications"

    def ready(self):
        from workflows.engine import register_human_action_hook

        from .services import record_human_action

        # Every human transition counts as "someone acted on this case" for the reminders.
        register_human_action_hook(record_human_action)
