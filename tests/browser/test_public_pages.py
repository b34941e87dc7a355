"""A visitor browses markets and the seed's service-import figures, in Chromium."""

import pytest

from programs import services
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_a_market_briefing_and_the_bic_mint_figures(page, bic_mint):
    brazil = services.create_market(
        country="BR", regulation="Professional services register with a federal council."
    )
    factories.HostIncubatorFactory(market=brazil, name="Paulista Innovation Hub", city="São Paulo")
    services.create_market(country="DE")

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Markets").click()
    page.get_by_role("link", name="Brazil").click()

    page.get_by_role("heading", name="Brazil", exact=True).wait_for()
    assert page.get_by_text("Professional services register with a federal council.").is_visible()
    assert page.get_by_text("Paulista Innovation Hub").is_visible()
    table = page.get_by_role("table")
    assert table.get_by_role("row", name="Financial Services").inner_text().split("\t") == [
        "Financial Services",
        "771%",
        "11,730,026,067",
        "150,730,835",
    ]

    page.get_by_role("link", name="All markets").click()
    page.get_by_role("link", name="BIC/MINT").first.click()
    page.get_by_role("heading", name="Service imports of BIC/MINT").wait_for()
    assert "OECD Data 2013; DEEP Centre analysis" in page.locator(".source").inner_text()
    # The bars are drawn (SVG widths, no style attribute the policy would refuse).
    bar = page.locator(".bar-chart__bar").first.bounding_box()
    track = page.locator(".bar-chart__track").first.bounding_box()
    assert 0 < bar["width"] <= track["width"]


def test_an_inline_script_that_slipped_into_a_page_does_not_run(
    chromium_path, live_server, tmp_path
):
    """Were an escape ever missed, the policy keeps the script from running."""
    from tests.browser.conftest import open_page

    refused = []
    with open_page(chromium_path, live_server.url, tmp_path, csp_violations=refused) as page:

        def inject(route):
            response = route.fetch()
            html = response.text().replace(
                "</main>", '<script>document.title = "taken over";</script></main>'
            )
            route.fulfill(response=response, body=html)

        page.route("**/intakes/", inject)
        page.goto("/intakes/")
        page.get_by_role("heading", name="Intakes open for applications").wait_for()

        assert page.title() != "taken over"
        assert len(refused) == 1
        assert "script-src 'self'" in refused[0]
