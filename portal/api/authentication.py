"""``Authorization: Bearer slp_...``: the person whose token it is, with the token as
``request.auth``. A malformed, unknown, revoked or expired token is a 401, never a fall-back
to anonymous.

TokenAuthentication is the first authentication class (settings.REST_FRAMEWORK), so it runs
first on every API request: it counts the request against its address's limit before anything
else, and a request over the limit is a 429 before its token is looked up. Refused requests
(a guessed token, no person) count like the others."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from portal import tokens
from portal.api.throttling import count_address
from portal.models import ApiToken

KEYWORDS = ("bearer", "token")


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        count_address(request)
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header is malformed."))
        try:
            text = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is malformed.")) from None
        token = tokens.find_token(text)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is unknown, revoked or expired."))
        tokens.record_use(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def token_of(request):
    """The API token of this request, or None (a signed-in session, or anonymous)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("An API token from your account page: Authorization: Bearer slp_...")
            ),
        }
