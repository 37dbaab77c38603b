from django.apps import AppConfig


def _alert_exceptional_access(sender, *, grant, **kwargs):
    from .services import alert_exceptional_access

    alert_exceptional_access(grant=grant)


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Échéances et notifications"

    def ready(self):
        from workflows.engine import register_human_action_hook

        # This app's alert kind, and the pupils' age events (students sits below this app).
        from . import ages, deadlines
        from .services import record_human_action

        deadlines.register()
        ages.register()
        # Every human transition counts as "someone acted on this case" for the reminders.
        register_human_action_hook(record_human_action)

        # accounts sits below notifications in the app graph: it announces the grant, the
        # alert is sent from here.
        from accounts.services import exceptional_access_opened

        exceptional_access_opened.connect(
            _alert_exceptional_access, dispatch_uid="notifications.exceptional_access"
        )
