"""When each request arrived: ``request.arrived_at``, stamped before any other middleware.

A deadline is checked against the moment the request reached the portal, not the moment a
busy worker got round to it: an applicant who pressed Submit before the deadline is not
refused because the portal made them queue. With ``PORTAL_TRUST_REQUEST_START`` (on only
behind a proxy that sets it and strips the client's own), the proxy's ``X-Request-Start``
header (``t=<seconds since the epoch>``, or milli- or microseconds, as nginx, Heroku and
Apache write it) gives an earlier moment: the time spent in the proxy's and gunicorn's
queues. It is never taken from the future, nor from more than
``PORTAL_REQUEST_START_MAX_AGE`` seconds before the stamp (a wrong clock, not a queue).
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _


def request_start(header):
    """The moment an ``X-Request-Start`` header names, or None if it names none."""
    value = header.strip().removeprefix("t=")
    try:
        number = float(value)
    except ValueError:
        return None
    if number != number or number <= 0:  # NaN, or nothing
        return None
    # Seconds (nginx's $msec), milliseconds (Heroku) or microseconds (Apache's %t).
    for scale in (1e6, 1e3, 1):
        if number / scale > 1e8 or scale == 1:
            seconds = number / scale
            break
    try:
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None


class ArrivalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = timezone.now()
        request.arrived_at = now
        if settings.PORTAL_TRUST_REQUEST_START:
            start = request_start(request.headers.get("X-Request-Start", ""))
            oldest = now - datetime.timedelta(seconds=settings.PORTAL_REQUEST_START_MAX_AGE)
            if start is not None and oldest <= start <= now:
                request.arrived_at = start
        return self.get_response(request)


# A save sent in the background (htmx) that the server refused as unsaved: the page's script
# writes the answer's text in the form's save status (static/js/autosave.js).
UNSAVED_HEADER = "X-Portal-Unsaved"


def unsaved(text, status):
    """A plain-text answer to a background save that was not kept, saying why."""
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response[UNSAVED_HEADER] = "1"
    return response


class SignedOutSaveMiddleware:
    """A background save from a page whose person signed out (in another tab, or the session
    ended) is answered 401 with why, not the log-in page's redirect: htmx followed it and
    wrote the whole log-in page into the form, and nothing said the answers were not saved.
    Listed after django-htmx's middleware (``request.htmx``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)
        ):
            return unsaved(
                _(
                    "Not saved: you are signed out. Sign in again in another tab, then "
                    "come back to this page and press Save."
                ),
                401,
            )
        return response
