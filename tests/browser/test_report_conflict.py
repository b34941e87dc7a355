"""An outcome report open in two tabs (or by two people of the firm): B saves the revenue and
a rating; A saves, and is told what is saved now, field by field: every field A's Save would
overwrite (the box listed the narrative, the head counts and the investment only, so "keep
your version" wiped B's revenue and rating unseen)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_outcome_journey import open_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_conflict_names_every_field_a_save_would_overwrite(page):
    _owner, report = open_report(page)
    url = f"/outcomes/reports/{report.pk}/"

    other = page.context.new_page()
    other.goto(url)
    other.locator("input[name=revenue_from_market_0]").fill("50000")
    other.get_by_label("How useful was the host?").select_option("5")
    with other.expect_navigation():
        other.get_by_role("button", name="Save", exact=True).first.click()

    page.get_by_label("What happened, in a few lines").fill("Our story.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).first.click()

    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("Someone else saved this report after you opened it.")
    listed = alert.locator("dt").all_inner_texts()
    # Every field saved otherwise than this page holds: B's two, and A's own narrative.
    assert listed == [
        "Revenue from the market",
        "What happened, in a few lines",
        "How useful was the host?",
    ]
    expect(alert.locator("dd").first).to_contain_text("50,000")
    report.refresh_from_db()
    assert (report.narrative, report.revenue_from_market.amount) == ("", 50000)
