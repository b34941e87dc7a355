"""Rate limits: per token and per address, counted in the Django cache (the shared one in
production, CACHE_URL), read from settings.PORTAL_API_RATES at each request. A request over
either limit is a 429 with Retry-After."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.api.authentication import token_of


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        return settings.PORTAL_API_RATES.get(self.scope)


class AddressThrottle(_Throttle):
    """Every request, by the address it comes from."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(_Throttle):
    """Requests with a token, by token, wherever they come from."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
