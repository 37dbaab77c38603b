"""Browser journeys that sign in through ProConnect use the loopback OpenID provider."""

from ..accounts.oidc_provider import oidc_provider  # noqa: F401
