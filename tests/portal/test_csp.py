"""The Content-Security-Policy: the portal's own files only, no inline script or style, and
templates that need nothing more."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# The header's directives, in whatever order django-csp writes them.
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def directives(header):
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["home", "account_login", "programs:intake_list", "admin:index"])
def test_every_page_carries_a_policy_without_inline_script(client, url):
    response = client.get(reverse(url), follow=True)

    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    assert directives(header) == POLICY
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.django_db
def test_a_signed_in_page_has_the_policy_and_htmx_told_to_inject_no_style(client, user):
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    assert directives(response["Content-Security-Policy"]) == POLICY
    html = response.content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, '
        '"allowEval": false, "allowScriptTags": false}\'>'
    ) in html
    assert html.index('name="htmx-config"') < html.index("htmx-2.min.js")


def template_files():
    return sorted(TEMPLATES.rglob("*.html"))


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)
HTMX_EVAL = re.compile(r"\shx-on\b|\shx-on:|\shx-vars=|js:", re.IGNORECASE)


def test_the_templates_are_found():
    names = {path.relative_to(TEMPLATES).as_posix() for path in template_files()}
    assert "base.html" in names
    assert "portal/_site_head.html" in names
    assert "programs/public/_import_figures.html" in names
    assert len(names) > 50


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("an inline <script> (without src)", INLINE_SCRIPT),
        ("an on*= event handler", EVENT_HANDLER),
        ("a style attribute", STYLE_ATTRIBUTE),
        ("a <style> element", STYLE_ELEMENT),
        ("a javascript: URL", SCRIPT_URL),
        ("htmx script evaluation (hx-on, js:)", HTMX_EVAL),
    ],
)
def test_no_template_holds_what_the_policy_refuses(what, pattern):
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in template_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == [], f"{what} in {offenders}"


def test_the_checks_catch_what_they_look_for():
    assert INLINE_SCRIPT.search('<script>alert("x")</script>')
    assert INLINE_SCRIPT.search("<script type='module'>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/local-time.js" defer></script>')
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert not EVENT_HANDLER.search('<a class="button" href="/">')
    assert STYLE_ATTRIBUTE.search('<span style="width: 3%">')
