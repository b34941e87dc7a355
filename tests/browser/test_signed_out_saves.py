"""An outcome report open in one tab while the person signs out in another (or the session
ends): the next autosave says it was not saved, in the form's save status (htmx followed the
redirect and pasted the whole log-in page into the form). After signing out and in again
elsewhere, Save is answered with a page that says what happened and how to keep the text
(it was Django's technical "CSRF verification failed" page)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_outcome_journey import open_report
from tests.browser.test_stay_journey import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_autosave_after_signing_out_elsewhere_says_it_was_not_saved(page):
    _owner, report = open_report(page)
    other = page.context.new_page()
    other.goto("/dashboard/")
    log_out(other)
    other.close()

    page.get_by_label("What happened, in a few lines").fill("Two pilots signed.")
    page.get_by_label("Employees at home").click()  # leaves the box: autosave on change
    status = page.locator("#save-status")
    expect(status).to_have_text(
        "Not saved: you are signed out. Sign in again in another tab, then come back to this "
        "page and press Save.",
        timeout=5000,
    )
    assert status.locator("form, header, input").count() == 0
    report.refresh_from_db()
    assert report.narrative == ""


def test_save_after_signing_out_and_in_elsewhere_says_how_to_keep_the_text(page):
    owner, report = open_report(page)
    other = page.context.new_page()
    other.goto("/dashboard/")
    log_out(other)
    log_in(other, owner.email)
    other.close()

    page.get_by_label("What happened, in a few lines").fill("Two pilots signed.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_role("heading", name="This form was not sent")).to_be_visible()
    expect(page.get_by_text("Go back with your browser")).to_be_visible()
    report.refresh_from_db()
    assert report.narrative == ""
