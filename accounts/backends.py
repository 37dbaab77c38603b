from django.contrib.auth.backends import ModelBackend

from .services import password_login_allowed


class PasswordBackend(ModelBackend):
    """Username and password, refused when password login is switched off.

    With PASSWORD_LOGIN_ENABLED=false only the break-glass accounts listed in
    PASSWORD_LOGIN_BREAK_GLASS_ACCOUNTS get through, and only if they are administrators.
    Applies to every form that authenticates (login page, Django admin).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if not password_login_allowed(username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not _may_use_password(user):
            return None
        return user


def _may_use_password(user) -> bool:
    from django.conf import settings

    return settings.PASSWORD_LOGIN_ENABLED or user.is_administrator
