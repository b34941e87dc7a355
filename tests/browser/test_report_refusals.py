"""Outcome report: after the Add-an-opportunity (or market entry) form is refused, the page
is drawn at that form's address; the report's own form still saves (and autosaves) to the
report (it posted to the page's address: what the firm typed was silently lost)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_outcome_journey import open_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("button", ["Add the opportunity", "Add the market entry"])
def test_report_typed_after_a_refused_side_form_is_saved(page, button):
    _owner, report = open_report(page)
    page.get_by_role("button", name=button).click()  # sent empty: refused
    page.wait_for_load_state()
    narrative = page.get_by_label("What happened, in a few lines")
    narrative.fill("We signed a pilot with Hanseatic.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).first.click()
    report.refresh_from_db()
    assert report.narrative == "We signed a pilot with Hanseatic.", (
        f"typed narrative lost; page now at {page.url}, box shows {narrative.input_value()!r}"
    )


def test_autosave_after_a_refused_side_form_reaches_the_report(page):
    _owner, report = open_report(page)
    page.get_by_role("button", name="Add the opportunity").click()
    page.wait_for_load_state()
    page.get_by_label("What happened, in a few lines").fill("Typed, then left the box.")
    page.get_by_label("Employees at home").click()  # leaves the box: autosave on change
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=5000)
    report.refresh_from_db()
    assert report.narrative == "Typed, then left the box."
