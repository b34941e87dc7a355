"""An outcome report open in one tab while the person signs out in another (or the session
ends): the next autosave says it was not saved, in the form's save status (htmx followed the
redirect and pasted the whole log-in page into the form). After signing out and in again
elsewhere, Save keeps the text: the page sends the renewed CSRF token of the cookie
(static/js/csrf.js); it was refused as forged."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_outcome_journey import open_report
from tests.browser.test_stay_journey import PASSWORD, log_in, log_out
from tests.factories import UserFactory

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


def test_save_after_signing_out_and_in_elsewhere_keeps_the_text(page):
    # Signing in again renews the CSRF token; the page sends the cookie's, read when it
    # sends, so the text typed on a page opened before is saved (it was refused as forged).
    owner, report = open_report(page)
    other = page.context.new_page()
    other.goto("/dashboard/")
    log_out(other)
    log_in(other, owner.email)
    other.close()

    page.get_by_label("What happened, in a few lines").fill("Two pilots signed.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).first.click()
    report.refresh_from_db()
    assert report.narrative == "Two pilots signed."


def test_the_advice_of_a_refused_autosave_keeps_the_text(page):
    # Signed out elsewhere: the autosave says so; signing in again in another tab, then
    # Save on this page, as it advises, saves what was typed, background saves included.
    owner, report = open_report(page)
    other = page.context.new_page()
    other.goto("/dashboard/")
    log_out(other)

    page.get_by_label("What happened, in a few lines").fill("Two pilots signed.")
    page.get_by_label("Employees at home").click()
    expect(page.locator("#save-status")).to_contain_text("Not saved", timeout=5000)
    log_in(other, owner.email)
    other.close()

    page.get_by_label("What happened, in a few lines").fill("Two pilots signed, one order.")
    page.get_by_label("Employees at home").click()  # an autosave, with the renewed token
    expect(page.locator("#save-status")).not_to_contain_text("Not saved", timeout=5000)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).first.click()
    report.refresh_from_db()
    assert report.narrative == "Two pilots signed, one order."


def test_a_save_after_someone_else_signed_in_elsewhere_is_refused(page):
    # The cookie's token is valid for whoever signed in last: the page says who it was drawn
    # for, and the portal refuses to save it under someone else's name.
    _owner, report = open_report(page)
    colleague = UserFactory(email="bo@elsewhere.example")
    colleague.set_password(PASSWORD)
    colleague.save()
    other = page.context.new_page()
    other.goto("/dashboard/")
    log_out(other)
    log_in(other, colleague.email)
    other.close()

    page.get_by_label("What happened, in a few lines").fill("Two pilots signed.")
    page.get_by_label("Employees at home").click()  # an autosave
    expect(page.locator("#save-status")).to_contain_text(
        "someone else signed in on this browser", timeout=5000
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_role("heading", name="This form was not sent")).to_be_visible()
    expect(page.get_by_text("Two pilots signed.")).to_be_visible()
    report.refresh_from_db()
    assert report.narrative == ""
