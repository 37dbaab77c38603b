"""Every scoped URL, walked as an outsider: 404 for GET and for POST, never a 405 that would
confirm the URL exists, nor anything else."""

import re
import uuid

import pytest
from django.urls import get_resolver

from accounts.perms import SCOPED

from ..accounts.test_url_scopes import EXEMPT_NAMESPACES, declared_scope, walk

PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def concrete(route: str) -> str:
    def fill(match):
        conv = match.group("conv")
        if conv == "uuid" or match.group("rname") in ("id", "pk", "public_id"):
            return str(uuid.uuid4())
        if conv == "int":
            return "1"
        return "x"

    path = PARAM.sub(fill, route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


def scoped_paths():
    for namespace, route, callback in walk(get_resolver().url_patterns):
        if EXEMPT_NAMESPACES.intersection(namespace) or declared_scope(callback) != SCOPED:
            continue
        if "(?P<format>" in route or route.endswith(".(?P<format>[a-z0-9]+)/?$"):
            continue
        yield concrete(route)


@pytest.mark.django_db
def test_outsider_gets_404_for_get_and_post_on_every_scoped_url(world, client_for):
    outsider = client_for(world.users.norole)
    leaks = []
    paths = sorted(set(scoped_paths()))
    assert len(paths) > 100
    for path in paths:
        for method in ("get", "post"):
            response = getattr(outsider, method)(path)
            if response.status_code != 404:
                leaks.append(f"{method.upper()} {path} → {response.status_code}")
    assert not leaks, "Réponse autre que 404 pour un utilisateur hors périmètre :\n" + "\n".join(
        leaks
    )
