"""Access declarations. Every view states how it is scoped; anything undeclared is a test failure.

- `public`: reachable without login (login page, health check).
- `authenticated`: any logged-in account, the view shows only the account's own data.
- `scoped`: business data; the view builds on `visible_to(user)` QuerySets, and
  `roles` (optional) restricts which active roles may open it at all (others get 404).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from .roles import active_role

if TYPE_CHECKING:
    from .models import RoleAssignment

PUBLIC = "public"
AUTHENTICATED = "authenticated"
SCOPED = "scoped"
ACCESS_KINDS = {PUBLIC, AUTHENTICATED, SCOPED}

Roles = Collection[str] | None


class DeclaredView(Protocol):
    """A function view carrying its access declaration (read by the URL-walk tests)."""

    access_scope: str
    access_roles: Roles

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase: ...


def has_any_role(user: Any, roles: Roles) -> bool:
    role = active_role(user)
    if role is None:
        return False
    return not roles or role.role in roles


def require_role(user: Any, roles: Roles = None, *, nominative: bool = True) -> RoleAssignment:
    """Raise 404 unless the active role is one of `roles` (any role if None)."""
    role = active_role(user)
    if role is None or (roles and role.role not in roles):
        raise Http404("Page introuvable.")
    if nominative and not role.is_nominative:
        raise Http404("Page introuvable.")
    return role


def access(
    kind: str, *, roles: Roles = None, nominative: bool = True
) -> Callable[[Callable[..., HttpResponseBase]], DeclaredView]:
    """Declare and enforce a function view's access rule.

    Put it outermost (above `@require_POST`): an outsider must get 404 whatever the verb,
    never the 405 that would confirm the URL exists. tests/security walks every URL with an
    outsider's GET and POST to keep it so.
    """
    if kind not in ACCESS_KINDS:
        raise ValueError(kind)

    def decorator(view: Callable[..., HttpResponseBase]) -> DeclaredView:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if kind == SCOPED:
                require_role(request.user, roles, nominative=nominative)
            return view(request, *args, **kwargs)

        declared = cast(DeclaredView, wrapped)
        declared.access_scope = kind
        declared.access_roles = roles
        if kind == PUBLIC:
            declared = login_not_required(declared)
        return declared

    return decorator


class HasScopedRole(BasePermission):
    """DRF: the account must hold an active role allowed by the view's `access_roles`.

    Failing it answers 404 rather than 403, so an outsider learns nothing.
    """

    message = "Ressource introuvable ou hors de votre périmètre."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        roles = getattr(view, "access_roles", None)
        nominative = getattr(view, "access_nominative", True)
        require_role(request.user, roles, nominative=nominative)
        return True
