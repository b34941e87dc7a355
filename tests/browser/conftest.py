import os

import pytest

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


@pytest.fixture
def page(chromium_path, live_server, tmp_path):
    # Playwright's sync API runs an event loop in this thread; the ORM is still used synchronously.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, locale="en-CA")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"))
            raise
        finally:
            context.close()
            browser.close()
