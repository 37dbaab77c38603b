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
