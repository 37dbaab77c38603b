"""Django's authentication signals feed the login audit (AuthEvent): password logins and
failures from any form (login page, Django admin), logouts, and the session's login method.

Logins through ProConnect set `request.auth_method` before calling `login()`; their refusals
are recorded by the ProConnect callback itself.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .enums import AuthEventKind, AuthMethod
from .second_factor import AUTH_METHOD_SESSION_KEY


def on_login(sender, request, user, **kwargs):
    method = getattr(request, "auth_method", AuthMethod.PASSWORD)
    if hasattr(request, "session"):
        request.session[AUTH_METHOD_SESSION_KEY] = str(method)
    type(user).objects.filter(pk=user.pk).update(last_login_method=method)
    user.last_login_method = method
    from .services import record_auth_event

    record_auth_event(
        kind=AuthEventKind.LOGIN_SUCCESS,
        request=request,
        user=user,
        method=method,
        provider=getattr(request, "auth_provider", ""),
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    from .services import password_login_allowed, record_auth_event

    username = str(credentials.get("username") or "")
    if not username:
        return
    user = get_user_model().objects.filter(username=username).first()
    if not password_login_allowed(username):
        reason = "Connexion par mot de passe désactivée"
    elif user is None:
        reason = "Identifiant inconnu"
    elif not user.is_active:
        reason = "Compte désactivé"
    else:
        reason = "Mot de passe incorrect ou connexion bloquée"
    record_auth_event(
        kind=AuthEventKind.LOGIN_FAILURE,
        request=request,
        user=user,
        method=AuthMethod.PASSWORD,
        username=username,
        reason=reason,
    )


def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    from .services import record_auth_event

    record_auth_event(
        kind=AuthEventKind.LOGOUT,
        request=request,
        user=user,
        method=request.session.get(AUTH_METHOD_SESSION_KEY, "")
        if hasattr(request, "session")
        else "",
    )


def connect():
    user_logged_in.connect(on_login, dispatch_uid="accounts.auth_audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts.auth_audit.failed")
    user_logged_out.connect(on_logout, dispatch_uid="accounts.auth_audit.logout")
