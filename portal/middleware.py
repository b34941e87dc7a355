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

from django.conf import settings
from django.utils import timezone


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
