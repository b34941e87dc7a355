"""What DRF checks before a view runs. Who may act on which object is not here: views load
objects through the apps' visibility querysets, narrowed by the token's scope, and ask the
apps' rules (``portal.access.require``), exactly as the pages do."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from portal.api.authentication import token_of


class TokenAccess(permissions.BasePermission):
    """A read-only token may only read (403 on a write); a write-enabled token, and a
    signed-in session, may do what the owner may."""

    message = _("This token may only read.")

    def has_permission(self, request, view):
        token = token_of(request)
        return request.method in permissions.SAFE_METHODS or token is None or token.can_write


class SignedIn(TokenAccess):
    """A person, by token or session (401 otherwise), within the token's rights."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return super().has_permission(request, view)


class Public(TokenAccess):
    """Anyone, with or without a token."""


def object_id(value):
    """An object's id from the URL, or a 404: an id that is not a positive 64-bit integer
    names nothing (and must not reach the database, which would refuse it)."""
    from django.http import Http404

    text = str(value)
    if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**63:
        raise Http404
    return int(text)
