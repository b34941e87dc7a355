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
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
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


# Fields a page about an unsaved form never shows again: passwords, the form's tokens (CSRF,
# sent-once), where to go next and the hidden copies of what a page was drawn with
# (``initial-*``, programs.forms.SavesWhatChanged) or its version are not what a person typed,
# and some are secrets.
NOT_SHOWN = re.compile(
    r"password|token|csrf|secret|^once$|^next$|^initial-|^version$|^editor$|^portal-person$",
    re.IGNORECASE,
)

# The person a page was drawn for (their id; empty when nobody was signed in), which the
# page sends back with each form (a field static/js/csrf.js adds) and background save (a
# header of the layout's hx-headers).
PERSON_FIELD = "portal-person"
PERSON_HEADER = "X-Portal-Person"


def typed(request):
    """(field name, value) of each non-empty value a form sent, but for NOT_SHOWN's; files
    are never among them (``request.FILES``)."""
    try:
        data = request.POST
    except (OSError, SuspiciousOperation, MultiPartParserError):
        return []
    return [
        (name, value)
        for name, values in data.lists()
        if not NOT_SHOWN.search(name)
        for value in values
        if value.strip()
    ]


def sent_from_this_site(request):
    """Whether the browser said the request came from one of the portal's pages (its Origin,
    or else its Referer): only then is what it sent shown back on a page."""
    origin = request.headers.get("Origin") or request.headers.get("Referer", "")
    # A full address of this host, not merely one Django would follow ("null", a path).
    return urlsplit(origin).netloc == request.get_host() and url_has_allowed_host_and_scheme(
        origin, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def page_of_form(request):
    """The portal page a form was sent from (the Referer's path), or None: where to come
    back after signing in, rather than the address the form was sent to, which may answer
    only POST (a 405 after signing in)."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    if parts.path == resolve_url(settings.LOGIN_URL):
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def log_in_url(next_page):
    login = resolve_url(settings.LOGIN_URL)
    return f"{login}?{urlencode({'next': next_page})}" if next_page else login


def asks_to_sign_in(request, response):
    """Whether ``response`` sends the person to log in and come back here, as
    ``login_required`` does."""
    if response.status_code != 302:
        return False
    location = urlsplit(response.get("Location", ""))
    return (
        location.path == resolve_url(settings.LOGIN_URL)
        and QueryDict(location.query).get("next") == request.get_full_path()
    )


class SignedOutSaveMiddleware:
    """A form sent from a page whose person signed out (in another tab, or the session ended)
    is not simply sent to the log-in page, which said nothing and threw the text away.

    A background save (htmx) is answered 401 with why: htmx followed the redirect and wrote
    the whole log-in page into the form. A full Save is answered 401 with a page that says
    nothing was saved, shows what was typed (read-only, to copy) and links to log in and
    come back to the page the form was on. A form that sent nothing typed (a button) still
    goes to log in, coming back to that page too. Listed after django-htmx's middleware
    (``request.htmx``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        other = drawn_for_someone_else(request)
        if other is not None:
            return other
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
        if request.method == "POST" and asks_to_sign_in(request, response):
            page = page_of_form(request)
            values = typed(request)
            if not values:
                return HttpResponseRedirect(log_in_url(page)) if page else response
            answer = render(
                request,
                "portal/signed_out.html",
                {"typed": values, "log_in_url": log_in_url(page)},
                status=401,
            )
            answer[UNSAVED_HEADER] = "1"
            return answer
        return response


def drawn_for_someone_else(request):
    """The answer to a form or background save sent from a page drawn for another person
    than the one signed in now (one signed out, and someone else signed in, in another tab):
    refused and said so, with what was typed to copy, rather than saved under the new
    person's name. A page sends the cookie's CSRF token, which signing in renews, so the
    token alone no longer tells (static/js/csrf.js). None when the page was drawn for this
    person, for nobody, or says nothing (a script); the API is never asked (reading its form
    here would take its body from Django REST framework's parsers)."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE") or request.path.startswith("/api/"):
        return None
    drawn = request.headers.get(PERSON_HEADER, "")
    if not drawn:
        try:
            drawn = request.POST.get(PERSON_FIELD, "")
        except (OSError, SuspiciousOperation, MultiPartParserError):
            return None
    # The person is read only for a page that says whom it was drawn for.
    if not drawn or not request.user.is_authenticated or drawn == str(request.user.pk):
        return None
    if getattr(request, "htmx", False):
        return unsaved(
            _(
                "Not saved: someone else signed in on this browser after this page was "
                "opened. Copy what you typed, and reload the page."
            ),
            403,
        )
    answer = render(
        request,
        "403_csrf.html",
        {"someone_else": True, "typed": typed(request) if sent_from_this_site(request) else []},
        status=403,
    )
    answer[UNSAVED_HEADER] = "1"
    return answer
