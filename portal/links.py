"""Links in emails: the portal's configured address (PORTAL_BASE_URL) and a path.

An email is rendered in a service and sent by a worker, with no web request to read a host
from, so every link in an email starts with the one configured base URL.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def absolute_url(path):
    """The full address of a path of the portal (``/reviews/`` or a full URL's path)."""
    parts = urlsplit(path)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.PORTAL_BASE_URL.rstrip("/") + tail


def link_to(name, *args):
    """The full address of a named URL, for an email."""
    return absolute_url(reverse(name, args=args))
