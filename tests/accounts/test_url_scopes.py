"""Every URL pattern, HTML or API, declares how it is scoped. Undeclared is a failure."""

from django.urls import URLPattern, URLResolver, get_resolver

from accounts.perms import ACCESS_KINDS

# Django admin enforces its own staff login; the rest must declare a scope.
EXEMPT_NAMESPACES = {"admin"}


def walk(patterns, namespace=(), prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = (*namespace, p.namespace) if p.namespace else namespace
            yield from walk(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield namespace, prefix + str(p.pattern), p.callback


def declared_scope(callback):
    for holder in (
        callback,
        getattr(callback, "view_class", None),
        getattr(callback, "cls", None),
    ):
        scope = getattr(holder, "access_scope", None)
        if scope:
            return scope
    return None


def test_every_url_pattern_declares_its_scope():
    undeclared = []
    for namespace, route, callback in walk(get_resolver().url_patterns):
        if EXEMPT_NAMESPACES.intersection(namespace):
            continue
        scope = declared_scope(callback)
        if scope not in ACCESS_KINDS:
            undeclared.append(f"{':'.join(namespace)} {route}")
    assert not undeclared, "URL sans déclaration de périmètre :\n" + "\n".join(undeclared)


def test_walk_sees_the_api_and_pages():
    routes = [route for _, route, _ in walk(get_resolver().url_patterns)]
    assert any(r.startswith("api/v1/") and "eleves" in r for r in routes)
    assert any(r.startswith("eleves/") for r in routes)
