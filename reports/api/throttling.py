from rest_framework.throttling import SimpleRateThrottle

from .. import conf
from ..models import ApiClient


class ApiClientRateThrottle(SimpleRateThrottle):
    """One bucket per report client, at the client's own rate (or the default one)."""

    scope = "api_client"

    def __init__(self):
        # The rate depends on the client, known only with the request.
        pass

    def allow_request(self, request, view):
        client = request.auth if isinstance(request.auth, ApiClient) else None
        if client is None:
            return True
        self.rate = client.throttle_rate or conf.api_client_default_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
