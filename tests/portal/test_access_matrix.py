"""The generated access matrix: every URL pattern of the portal, requested by every role of
tests/access_world.py, with GET and with POST (a valid CSRF token, no fields), each request
rolled back, compared with the answer declared in ``tests/<app>/access_expectations.py``
(how to declare one: tests/access_table.py).

A pattern with no declared answer fails the test by name; so does a declared row whose pattern
is gone. A leak is a refusal declared (log-in, 403, 404, 405) answered with the page or the
action; the run prints how many (URL, role, method) triples it checked and the leaks found.

Only Django's admin and allauth's account pages are left out, each for the reason in SKIPPED.
With ACCESS_MATRIX_DUMP=<file> the run also writes every answer it got, as JSON: a start for
the rows of new URLs (read them, then declare what should be); ACCESS_MATRIX_ONLY=<prefix>
requests only the rows whose key starts with it.
"""

import importlib
import json
import os
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from tests.access_table import LOGIN, REFUSALS
from tests.access_world import ROLES, build

TESTS = Path(__file__).resolve().parent.parent

ADMIN = (
    "Django's admin: its own log-in and model permissions for staff accounts, tested in "
    "tests/portal/test_admin.py and tests/programs/test_admin.py"
)
SKIPPED = {
    "admin:": ADMIN,
    "admin/": ADMIN,  # the admin's unnamed redirects to an object's change page
    "account_": "allauth's account pages: a person's own account only, no one else's object; "
    "ours are tested in tests/portal/views/test_accounts.py",
    "mfa_": "allauth's two-factor pages: a person's own authenticators only",
    "errors/": "previews of the error pages, served only with DEBUG, the same page for anyone",
}


def url_patterns(resolver=None, prefix="", namespace=()):
    """(key, route) of every pattern, through every include: the key is the namespaced name,
    or the route for a pattern without a name."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespace, entry.namespace) if entry.namespace else namespace
            yield from url_patterns(entry, route, inner)
        elif entry.name:
            yield ":".join((*namespace, entry.name)), route
        else:
            yield route, route


def skip_reason(key):
    return next((why for start, why in SKIPPED.items() if key.startswith(start)), None)


def declared():
    """Every app's EXPECTED, merged; a key declared twice is an error."""
    table = {}
    for path in sorted(TESTS.glob("*/access_expectations.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.access_expectations")
        twice = set(table) & set(module.EXPECTED)
        assert not twice, f"declared twice: {sorted(twice)}"
        table.update(module.EXPECTED)
    return table


def pattern_of(key):
    return key.split("[", 1)[0]


def test_every_url_pattern_has_a_declared_answer():
    table = declared()
    declared_patterns = {pattern_of(key) for key in table}
    keys = [key for key, _route in url_patterns()]
    missing = [key for key in keys if key not in declared_patterns and not skip_reason(key)]
    assert missing == [], (
        f"URL patterns with no expected answer per role: {missing}. Add a row for each to "
        "tests/<app>/access_expectations.py (see tests/access_table.py)."
    )
    gone = sorted(key for key in declared_patterns if key not in keys)
    assert gone == [], f"expectations for URL patterns that no longer exist: {gone}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for every request, built once in a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("access-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        world = build()
        world.media = media
        world.clients = {role: signed_in(world, role) for role in ROLES}
        yield world
        transaction.set_rollback(True)


def signed_in(world, role):
    """A client that checks CSRF as a browser's request is checked, signed in as ``role``,
    with the CSRF cookie a page gave it; its cookies, to be put back before each request."""
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(world.people[role])
    client.get(reverse("home"))
    assert "csrftoken" in client.cookies
    return {name: morsel.value for name, morsel in client.cookies.items()}


def answer(world, role, method, url):
    """What ``role`` gets from ``url``, inside a transaction rolled back afterwards."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = SimpleCookie(world.clients[role])
    cache.clear()  # rate limits and cached sessions start again from the database
    with transaction.atomic():
        try:
            if method == "get":
                response = client.get(url)
            else:
                token = client.cookies["csrftoken"].value
                response = client.post(url, {}, HTTP_X_CSRFTOKEN=token)
        except Exception as error:  # noqa: BLE001 - an error page is an answer to record
            response = None
            outcome = f"error {type(error).__name__}: {error}"
        transaction.set_rollback(True)
    if response is None:
        return outcome
    if response.status_code in (301, 302):
        if response["Location"].split("?")[0] == reverse(settings.LOGIN_URL):
            return LOGIN
        return 302
    return response.status_code


def is_leak(declared, got):
    """A refusal declared, the page or the action given (an error page is wrong, not a leak)."""
    return declared in REFUSALS and isinstance(got, int) and got < 400


def test_a_leak_is_a_refusal_answered_with_the_page_or_the_action():
    answers = [(404, 200), (403, 302), (LOGIN, 200), (405, 200), (404, 403), (LOGIN, 404)]
    assert [is_leak(declared, got) for declared, got in answers] == [
        True, True, True, True, False, False
    ]  # fmt: skip
    assert (is_leak(200, 404), is_leak(404, "error KeyError: 'x'")) == (False, False)


# The mark makes pytest-django create the test database; the world's transaction holds it.
@pytest.mark.django_db
def test_every_role_gets_the_declared_answer_at_every_url(world, settings, capsys):
    settings.MEDIA_ROOT = world.media
    table = declared()
    routes = dict(url_patterns())
    found, wrong, leaks, checked = {}, [], [], 0
    only = os.environ.get("ACCESS_MATRIX_ONLY", "")  # while writing rows: a prefix of keys
    for key, row in sorted(table.items()):
        if not key.startswith(only):
            continue
        variant = row.arguments(world)
        name = pattern_of(key)
        url = "/" + name if routes.get(name) == name else reverse(name, kwargs=variant)
        for method, expected in (("get", row.get), ("post", row.post)):
            for role in ROLES:
                got = answer(world, role, method, url)
                checked += 1
                found.setdefault(key, {}).setdefault(method, {})[role] = got
                if got != expected[role]:
                    said = expected[role]
                    wrong.append(f"{method.upper()} {key} as {role}: {got}, declared {said}")
                    if is_leak(said, got):
                        leaks.append(wrong[-1])
    if os.environ.get("ACCESS_MATRIX_DUMP"):
        Path(os.environ["ACCESS_MATRIX_DUMP"]).write_text(json.dumps(found, indent=1))
    with capsys.disabled():
        print(
            f"\naccess matrix: {checked} (URL, role, method) triples checked over "
            f"{len(table)} URLs and {len(ROLES)} roles; {len(leaks)} leaks, "
            f"{len(wrong)} answers other than declared"
        )
    assert leaks == [], "\n".join(leaks)
    assert wrong == [], "\n".join(wrong)
