"""Access declarations. Every view states how it is scoped; anything undeclared is a test failure.

- `public`: reachable without login (login page, health check).
- `authenticated`: any logged-in account, the view shows only the account's own data.
- `scoped`: business data; the view builds on `visible_to(user)` QuerySets, and
  `roles` (optional) restricts which active roles may open it at all (others get 404).
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from rest_framework.permissions import BasePermission

from .roles import active_role

PUBLIC = "public"
AUTHENTICATED = "authenticated"
SCOPED = "scoped"
ACCESS_KINDS = {PUBLIC, AUTHENTICATED, SCOPED}


def has_any_role(user, roles) -> bool:
    role = active_role(user)
    if role is None:
        return False
    return not roles or role.role in roles


def require_role(user, roles=None, *, nominative: bool = True):
    """Raise 404 unless the active role is one of `roles` (any role if None)."""
    role = active_role(user)
    if role is None or (roles and role.role not in roles):
        raise Http404("Page introuvable.")
    if nominative and not role.is_nominative:
        raise Http404("Page introuvable.")
    return role


def access(kind: str, *, roles=None, nominative: bool = True):
    """Declare and enforce a function view's access rule.

    Put it outermost (above `@require_POST`): an outsider must get 404 whatever the verb,
    never the 405 that would confirm the URL exists. tests/security walks every URL with an
    outsider's GET and POST to keep it so.
    """
    if kind not in ACCESS_KINDS:
        raise ValueError(kind)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if kind == SCOPED:
                require_role(request.user, roles, nominative=nominative)
            return view(request, *args, **kwargs)

        wrapped.access_scope = kind
        wrapped.access_roles = roles
        if kind == PUBLIC:
            wrapped = login_not_required(wrapped)
        return wrapped

    return decorator


class HasScopedRole(BasePermission):
    """DRF: the account must hold an active role allowed by the view's `access_roles`.

    Failing it answers 404 rather than 403, so an outsider learns nothing.
    """

    message = "Ressource introuvable ou hors de votre périmètre."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        roles = getattr(view, "access_roles", None)
        nominative = getattr(view, "access_nominative", True)
        require_role(request.user, roles, nominative=nominative)
        return True
