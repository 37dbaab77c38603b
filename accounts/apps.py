from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes, rôles et périmètres"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_session_seen

        user_logged_in.connect(mark_session_seen, dispatch_uid="accounts.mark_session_seen")

        from . import auth_audit

        auth_audit.connect()
