"""Issuing and rotating report-client keys."""

from typing import Any

from django.db import transaction

from accounts.models import User

from .models import ApiClient


def make_service_user(*, prefix: str, name: str) -> User:
    """The client's technical account: inactive and without password, so nobody can log in
    with it; it only signs the client's reads in the access log."""
    user = User(username=f"client-api-{prefix}", first_name="Client API", last_name=name[:150])
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def issue_api_client(
    *, name: str, rights: str, created_by: User | None = None, **territory: Any
) -> tuple[ApiClient, str]:
    """Create a client and its technical account; return the client and its key.

    The key is returned once and never stored in clear: show it, then forget it.
    `territory` is exactly one of academie, departement, bassin, network, etablissement.
    """
    key, prefix, key_hash = ApiClient.new_key()
    client = ApiClient.objects.create(
        name=name,
        rights=rights,
        created_by=created_by,
        service_user=make_service_user(prefix=prefix, name=name),
        key_prefix=prefix,
        key_hash=key_hash,
        **territory,
    )
    return client, key


@transaction.atomic
def rotate_key(*, client: ApiClient) -> str:
    """Replace the key (the old one stops working at once) and return the new one."""
    key, prefix, key_hash = ApiClient.new_key()
    ApiClient.objects.filter(pk=client.pk).update(key_prefix=prefix, key_hash=key_hash)
    client.key_prefix, client.key_hash = prefix, key_hash
    return key
