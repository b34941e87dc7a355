"""The API documentation page works offline: Swagger UI from the portal's own static files,
under its Content-Security-Policy (the page fixture fails on any violation), listing the
endpoints."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_the_endpoints_with_no_request_leaving_the_portal(page, live_server):
    outside = []

    def only_the_portal(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_portal)
    page.goto("/api/docs/")
    paths = page.locator(".opblock-summary-path")
    paths.first.wait_for()
    shown = set(paths.all_inner_texts())
    assert {
        "/api/v1/intakes/",
        "/api/v1/hosts/",
        "/api/v1/markets/",
        "/api/v1/placements/",
        "/api/v1/placements/{id}/arrival/",
        "/api/v1/placements/{id}/entries/",
        "/api/v1/desk-invoices/{id}/confirm/",
        "/api/v1/account/",
        "/api/v1/tokens/",
    } <= {text.replace("\u200b", "").strip() for text in shown}
    assert page.get_by_text("Soft-landing portal API").first.is_visible()
    assert outside == []
