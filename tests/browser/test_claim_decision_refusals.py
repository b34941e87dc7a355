"""The manager's decision on a submitted claim, refused (an amount above its line, or "Ask for
changes" without a reason): the page is drawn again with every per-line note, amount and the
overall note as typed, and the refusal names its line (a redirect threw them all away, and
said "Ensure this value is less than or equal to 200.00")."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_money_journey import log_in, world  # noqa: F401
from tests.placements.conftest import day  # noqa: F401
from tests.placements.money import cad, claim_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submitted(world):  # noqa: F811
    return claim_with(
        world["award"], world["owner"], (cad(300), "travel", -5), (cad(200), "accommodation", -4)
    )


def test_a_refused_approval_keeps_the_managers_notes(page, world):  # noqa: F811
    claim = submitted(world)
    log_in(page, world["manager"].email)
    page.goto(f"/money/claims/{claim.pk}/")
    decision = page.locator("#decision")
    notes = decision.locator("input[name^=note_]")
    notes.nth(0).fill("Matches the boarding pass.")
    notes.nth(1).fill("Two nights only, not three.")
    decision.locator("input[name^=approved_]").nth(1).fill("250")  # above the line's 200
    decision.get_by_label("Note or reason").fill("Hotel trimmed to the stay.")
    decision.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    decision = page.locator("#decision")
    expect(decision.locator(".errorlist")).to_contain_text("at most CA$200.00 can be approved.")
    expect(decision.locator("input[name^=note_]").nth(1)).to_have_value(
        "Two nights only, not three."
    )
    expect(decision.get_by_label("Note or reason")).to_have_value("Hotel trimmed to the stay.")


def test_asking_for_changes_without_a_reason_keeps_the_line_notes(page, world):  # noqa: F811
    claim = submitted(world)
    log_in(page, world["manager"].email)
    page.goto(f"/money/claims/{claim.pk}/")
    decision = page.locator("#decision")
    decision.locator("input[name^=note_]").nth(0).fill("The receipt is unreadable.")
    decision.get_by_role("button", name="Ask for changes").click()
    expect(page.get_by_text("Give the reason.")).to_be_visible()
    expect(page.locator("#decision input[name^=note_]").nth(0)).to_have_value(
        "The receipt is unreadable."
    )
