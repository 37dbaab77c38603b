from django.apps import AppConfig


def _alert_exceptional_access(sender, *, grant, **kwargs):
    from .services import alert_exceptional_access

    alert_exceptional_access(grant=grant)


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Échéances et notifications"

    def ready(self):
        # accounts sits below notifications in the app graph: it announces the grant, the
        # alert is sent from here.
        from accounts.services import exceptional_access_opened

        exceptional_access_opened.connect(
            _alert_exceptional_access, dispatch_uid="notifications.exceptional_access"
        )
