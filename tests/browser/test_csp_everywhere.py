"""The Content-Security-Policy holds on every page of the demo, in Chromium: a visitor and one
demo user of each role follow every link they are shown, and any violation the browser
reports (a ``securitypolicyviolation`` event, or its console message) fails the test."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from tests.browser.conftest import open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded by the browser before any page script runs; CDP-injected, so the policy allows it.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
# Links that are not pages: leaving, switching language, files and downloads.
SKIPPED_VIEWS = {
    "account_logout",
    "set_language",
    "applications:document",
    "placements:receipt",
    "outcomes:completeness_csv",
    "outcomes:document_download",
    # The OpenAPI file, which the API's Swagger page links to once its script has run.
    "api:schema",
}
PAGES_PER_PERSON = 30


def seed_demo(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    settings.DEBUG = False
    credentials = re.findall(r"^  (.+?)\s{2,}(\S+@\S+)\s{2}\S+$", out.getvalue(), re.M)
    people, roles = [], set()
    for role, email in credentials:
        kind = role.split(" (")[0]
        if kind not in roles:
            roles.add(kind)
            people.append((kind, email))
    return people


def view_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def crawl(page, start, visited, violations):
    """Each page a link leads to, once per view for this person, up to PAGES_PER_PERSON."""
    queue, seen_views = [start], set()
    while queue and len(seen_views) < PAGES_PER_PERSON:
        path = queue.pop(0)
        name = view_name(urlsplit(path).path)
        if name is None or name in seen_views or name in SKIPPED_VIEWS:
            continue
        if "format=csv" in path or path.split("?")[0].endswith(".csv"):
            continue  # a file to download, not a page
        seen_views.add(name)
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append((name, response.status))
        violations.extend(f"{path}: {v}" for v in page.evaluate("window.__violations"))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            if parts.netloc == urlsplit(page.url).netloc and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def test_no_page_of_the_demo_breaks_the_policy(chromium_path, live_server, tmp_path, settings):
    settings.PORTAL_BASE_URL = live_server.url
    people = seed_demo(settings)
    assert sorted(kind for kind, _ in people) == [
        "Applicant owner",
        "Applicant staff",
        "Host partner",
        "Program manager",
        "Reviewer",
        "Superuser",
    ]
    visited, violations, refused = [], [], []
    host = urlsplit(live_server.url).hostname
    for email in [None, *(email for _, email in people)]:
        with open_page(chromium_path, live_server.url, tmp_path, csp_violations=refused) as page:
            page.context.add_init_script(LISTEN)
            if email is not None:
                client = Client()
                client.force_login(get_user_model().objects.get(email=email))
                page.context.add_cookies(
                    [
                        {
                            "name": "sessionid",
                            "value": client.cookies["sessionid"].value,
                            "domain": host,
                            "path": "/",
                        }
                    ]  # fmt: skip
                )
            crawl(page, "/" if email is None else "/dashboard/", visited, violations)

    assert violations == []
    assert refused == []
    assert [(name, status) for name, status in visited if status >= 500] == []
    views = {name for name, _ in visited}
    assert {
        "home",
        "dashboard",
        "account_login",
        "programs:intake_list",
        "applications:step",
        "admin:index",
    } <= views, sorted(views)
