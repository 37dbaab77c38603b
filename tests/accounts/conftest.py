"""ProConnect tests run against a real OpenID provider on loopback (see oidc_provider.py)."""

from .oidc_provider import oidc_provider  # noqa: F401
