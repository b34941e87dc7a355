"""A stay's page after a refusal: the manager's "Cut the stay short" keeps its reason and the
partner's departure its note (a redirect threw both away), a missing reason is named as such
(it read "Check the date"), and on a page drawn in answer to a refused log entry the header's
language switch goes back to the stay (it led to an HTTP 405 at the log's POST address)."""

import pytest
from playwright.sync_api import expect

from placements import services as placements_services
from tests.browser.test_stay_journey import log_in, world
from tests.placements.conftest import accepted_offer, day, placed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "The founder fell ill; the firm asked to go home early."


def in_residence():
    intake, host, partner, manager, company, owner = world()
    placement = placed(accepted_offer(intake, host, company), partner, start=-10, end=40)
    placements_services.log_arrival(placement, by=partner, on=day(-10))
    return placement, partner, manager


def cut_short_form(page):
    return page.locator("form", has=page.get_by_role("button", name="Cut the stay short"))


def test_a_refused_cut_short_keeps_the_reason_typed(page):
    placement, partner, manager = in_residence()
    log_in(page, manager.email)
    page.goto(f"/placements/{placement.pk}/")
    form = cut_short_form(page)
    form.get_by_label("Departure").fill(day(5).isoformat())  # not come yet: refused
    form.get_by_label("Reason").fill(REASON)
    form.get_by_role("button", name="Cut the stay short").click()
    expect(page.get_by_text("This date has not come yet.")).to_be_visible()
    expect(cut_short_form(page).get_by_label("Reason")).to_have_value(REASON)


def test_a_cut_short_without_reason_says_the_reason_is_missing(page):
    placement, partner, manager = in_residence()
    log_in(page, manager.email)
    page.goto(f"/placements/{placement.pk}/")
    form = cut_short_form(page)
    form.get_by_label("Departure").fill(day(-1).isoformat())  # a good date
    form.get_by_role("button", name="Cut the stay short").click()
    page.wait_for_load_state()
    text = page.get_by_role("main").inner_text()
    assert "Check the date and try again." not in text, "the date was right: the reason is missing"


def test_a_refused_departure_keeps_its_note(page):
    placement, partner, manager = in_residence()
    log_in(page, partner.email)
    page.goto(f"/placements/{placement.pk}/")
    form = page.locator("form", has=page.get_by_role("button", name="Log the departure"))
    form.get_by_label("Date").fill(day(3).isoformat())  # not come yet: refused
    form.get_by_label("Note").fill("Left with two signed pilots and a distributor lined up.")
    form.get_by_role("button", name="Log the departure").click()
    expect(page.get_by_text("This date has not come yet.")).to_be_visible()
    form = page.locator("form", has=page.get_by_role("button", name="Log the departure"))
    expect(form.get_by_label("Note")).to_have_value(
        "Left with two signed pilots and a distributor lined up."
    )


def test_switching_language_on_a_refused_log_entry_page(page):
    placement, partner, manager = in_residence()
    log_in(page, partner.email)
    page.goto(f"/placements/{placement.pk}/")
    page.locator("#log-form").get_by_role("button", name="Log", exact=True).click()
    page.wait_for_url("**/log/")
    statuses = []
    page.on("response", lambda r: r.request.method == "GET" and statuses.append((r.url, r.status)))
    page.get_by_role("banner").get_by_role("button", name="Français").click()
    page.wait_for_timeout(1500)
    assert [s for s in statuses if s[1] >= 400] == [], statuses
