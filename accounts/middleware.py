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
