"""Report clients authenticate with `Authorization: Api-Key <key>`."""

import datetime as dt

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from ..models import ApiClient

KEYWORD = "Api-Key"
# last_used_at is refreshed at most this often, so a busy client costs no extra write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class ApiKeyAuthentication(BaseAuthentication):
    """Returns the client's technical account with `active_role` set to the client's scope,
    so every scoped QuerySet and HasScopedRole treat it like a staff role; `request.auth` is
    the ApiClient. Clients without the read-write right may only read."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête « Authorization: Api-Key <clé> » mal formé."
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Clé d'API invalide ou révoquée.") from None
        prefix, _, secret = key.partition(".")
        client = (
            ApiClient.objects.select_related(
                "service_user",
                "academie",
                "departement",
                "bassin",
                "network",
                "etablissement",
            )
            .filter(key_prefix=prefix, is_active=True)
            .first()
            if prefix and secret
            else None
        )
        if client is None or not client.matches(secret):
            raise exceptions.AuthenticationFailed("Clé d'API invalide ou révoquée.")
        if request.method not in SAFE_METHODS and not client.scope.can_write:
            raise exceptions.PermissionDenied("Ce client de l'API n'a que des droits de lecture.")
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        user = client.service_user
        user.active_role = client.scope
        return user, client

    def authenticate_header(self, request):
        return KEYWORD
