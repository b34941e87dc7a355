"""Rate limits: per token and per address, counted in the Django cache (the shared one in
production, CACHE_URL), read from settings.PORTAL_API_RATES at each request. A request over
either limit is a 429 with Retry-After.

The address is REMOTE_ADDR, or behind ``PORTAL_PROXIES`` proxies the address the last of them
added to X-Forwarded-For (DRF's NUM_PROXIES): never an address the client wrote itself.

DRF checks throttles after authentication and permissions, so a refused request (an unknown
token, no person on a signed-in endpoint) would never count. The per-address limit is therefore
counted before authentication too (``count_address``, called first thing by
``TokenAuthentication``), once per request: guessing tokens is limited like any other request.
"""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from portal.models import ApiToken

# Set on the Django request once its address has been counted, so DRF's own throttle check
# after authentication does not count it a second time.
_COUNTED = "_portal_api_address_counted"


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        return settings.PORTAL_API_RATES.get(self.scope)


class AddressThrottle(_Throttle):
    """Every request, by the address it comes from, counted once (before authentication
    when TokenAuthentication runs, else in DRF's throttle check)."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        django_request = getattr(request, "_request", request)
        if getattr(django_request, _COUNTED, False):
            # Already counted and allowed: over the limit it would have been refused then.
            return True
        setattr(django_request, _COUNTED, True)
        return super().allow_request(request, view)


def count_address(request):
    """Count this request against its address's limit (once); over it, raise Throttled (429
    with Retry-After)."""
    throttle = AddressThrottle()
    view = (getattr(request, "parser_context", None) or {}).get("view")
    if not throttle.allow_request(request, view):
        raise exceptions.Throttled(wait=throttle.wait())


class TokenThrottle(_Throttle):
    """Requests with a token, by token, wherever they come from."""

    scope = "token"

    def get_cache_key(self, request, view):
        # request.auth, not authentication.token_of: authentication imports this module.
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
