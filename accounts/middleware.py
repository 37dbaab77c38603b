import time

ACTIVE_ROLE_SESSION_KEY = "active_role_id"


class ActiveRoleMiddleware:
    """Puts the role picked in the header on `request.user.active_role`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            wanted = request.session.get(ACTIVE_ROLE_SESSION_KEY)
            roles = user.roles
            chosen = next((r for r in roles if r.id == wanted), roles[0] if roles else None)
            user.active_role = chosen
        return self.get_response(request)


LAST_SEEN_SESSION_KEY = "last_seen"
# The session is re-saved (and its expiry pushed back) at most this often, rather than at
# every request: inactivity expiry stays within a minute of SESSION_COOKIE_AGE.
SESSION_TOUCH_SECONDS = 60


class SessionActivityMiddleware:
    """Keeps an active session alive without writing it on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated and not session.is_empty():
            now = int(time.time())
            if now - session.get(LAST_SEEN_SESSION_KEY, 0) >= SESSION_TOUCH_SECONDS:
                session[LAST_SEEN_SESSION_KEY] = now
        return response


def mark_session_seen(sender, request, user, **kwargs):
    """At login the session is new: note it, so the first page does not write it again."""
    if hasattr(request, "session"):
        request.session[LAST_SEEN_SESSION_KEY] = int(time.time())


# Reachable while the second factor is pending: the pages that ask for it, logout, assets.
SECOND_FACTOR_OPEN_PREFIXES = ("/compte/second-facteur/", "/compte/deconnexion/", "/static/")


class SecondFactorMiddleware:
    """An account that owes a second factor reaches nothing else until it gave it.

    Sits after django-otp's OTPMiddleware (which tells whether the session is verified).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .second_factor import is_pending

        if request.path.startswith(SECOND_FACTOR_OPEN_PREFIXES) or request.path == "/healthz":
            return self.get_response(request)
        if is_pending(request):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": "Validez d'abord le second facteur de votre connexion."},
                    status=403,
                )
            from django.shortcuts import redirect
            from django.urls import reverse
            from django.utils.http import urlencode

            url = reverse("accounts:second_factor")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
