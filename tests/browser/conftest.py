import contextlib
import os

import pytest
from django.db import connections

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def is_csp_violation(message):
    return "Content Security Policy" in message.text


@contextlib.contextmanager
def open_page(chromium_path, base_url, screenshot_dir, *, csp_violations=None, **context_options):
    """A Chromium page on the live server; options go to the browser context (time zone ...).

    Anything the Content-Security-Policy refuses fails the test (a page that still needs an
    inline script or style would be broken in production), unless the test passes its own
    ``csp_violations`` list to collect them.
    """
    # Playwright's sync API runs an event loop in this thread; the ORM is still used synchronously.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, **({"locale": "en-CA"} | context_options))
        page = context.new_page()
        page.set_default_timeout(15_000)
        refused = [] if csp_violations is None else csp_violations
        page.on(
            "console",
            lambda message: refused.append(message.text) if is_csp_violation(message) else None,
        )
        try:
            yield page
            if csp_violations is None:
                assert refused == [], f"refused by the Content-Security-Policy: {refused}"
        except Exception:
            page.screenshot(path=str(screenshot_dir / "failure.png"))
            raise
        finally:
            # Queries the test made while the browser ran used a connection of this
            # thread; close it so the test database can be dropped at the end.
            connections.close_all()
            context.close()
            browser.close()


@pytest.fixture
def page(chromium_path, live_server, tmp_path, settings):
    # Emails link to the server the browser uses, as bin/run makes them link to its port.
    settings.PORTAL_BASE_URL = live_server.url
    with open_page(chromium_path, live_server.url, tmp_path) as page:
        yield page
