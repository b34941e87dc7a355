"""Stipends and expenses in Chromium: an award with two tranches; the firm claims a flight in
EUR and a hotel in INR with receipts; the manager approves one line and asks for changes on
the other; the firm fixes it; finance pays; the ledger shows the numbers, each linked to its
records; a second claim that would exceed the award is refused."""

import pytest
from playwright.sync_api import expect

from placements import services, stipends
from placements.models import ExpenseClaim
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.passwords import strong_password
from tests.placements.conftest import accepted_offer, day, running_intake
from tests.placements.money import JPEG, PDF, cad, rates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = strong_password()


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def log_out(page):
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    page.get_by_role("banner").get_by_role("link", name="Log in").wait_for()


def add_line(page, *, on, category, description, amount, currency, name, content, mime):
    page.locator("#id_on").fill(on.isoformat())
    page.get_by_label("Category").select_option(category)
    page.get_by_label("Description").fill(description)
    page.get_by_label("Amount: amount").fill(amount)
    page.get_by_label("Amount: currency").select_option(currency)
    page.get_by_label("Receipt").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    page.get_by_role("button", name="Add the expense").click()
    expect(page.get_by_text("The expense is added.")).to_be_visible()


@pytest.fixture
def world(db):
    intake = running_intake(title="Spring outbound intake")
    host = factories.DeskOfferFactory(intake=intake, host__name="Berlin Hub", desks=1).host
    manager = factories.UserFactory(email="boss@program.example", password=PASSWORD)
    factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER, user=manager)
    partner = factories.UserFactory()
    programs_services.add_host_partner(host, user=partner)
    company = factories.CompanyFactory(name="Maple Analytics")
    owner = factories.CompanyMemberFactory(
        company=company, user__email="owner@maple.example", user__password=PASSWORD
    ).user
    offer = accepted_offer(intake, host, company, starts_on=day(-10), ends_on=day(40))
    placement = services.confirm_placement(
        offer, by=manager, desk="", starts_on=day(-10), ends_on=day(40)
    )
    services.log_arrival(placement, by=partner, on=day(-10))
    award = stipends.propose_award(placement, by=manager, amount=cad(4000))
    stipends.award_stipend(award, by=manager)
    rates()
    return {"intake": intake, "manager": manager, "owner": owner, "award": award}


def test_an_award_claimed_reviewed_fixed_paid_and_kept_within(page, world):
    award = world["award"]
    # The firm claims a flight in EUR and a hotel in INR.
    log_in(page, world["owner"].email)
    page.goto("/money/")
    page.get_by_role("link", name="Maple Analytics").click()
    expect(page.locator("#tranches tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Start an expense claim").click()
    add_line(page, on=day(-9), category="travel", description="Flight to Berlin",
             amount="400", currency="EUR", name="flight.pdf", content=PDF,
             mime="application/pdf")  # fmt: skip
    add_line(page, on=day(-8), category="accommodation", description="Hotel, 3 nights",
             amount="24000", currency="INR", name="hotel.jpg", content=JPEG,
             mime="image/jpeg")  # fmt: skip
    rows = page.locator("#lines tbody tr")
    expect(rows.nth(0)).to_contain_text("CA$600.00")
    expect(rows.nth(1)).to_contain_text("CA$384.00")
    page.get_by_role("button", name="Submit the claim").click()
    expect(page.get_by_text("The claim is submitted.")).to_be_visible()
    claim_url = page.url
    log_out(page)

    # The manager approves the flight and asks for changes on the hotel.
    log_in(page, world["manager"].email)
    page.goto(claim_url)
    page.get_by_label("Note on this line").nth(1).fill("Send the invoice with the dates")
    page.get_by_label("Note or reason").fill("The hotel receipt has no dates")
    page.get_by_role("button", name="Ask for changes").click()
    expect(page.get_by_text("The firm is asked for changes.")).to_be_visible()
    log_out(page)

    # The firm replaces the hotel line and submits again.
    log_in(page, world["owner"].email)
    page.goto(claim_url)
    expect(page.get_by_text("Send the invoice with the dates")).to_be_visible()
    page.locator("#lines tbody tr").nth(1).get_by_role("button", name="Remove").click()
    add_line(page, on=day(-8), category="accommodation", description="Hotel, 3 nights (dated)",
             amount="24000", currency="INR", name="hotel.pdf", content=PDF,
             mime="application/pdf")  # fmt: skip
    page.get_by_role("button", name="Submit the claim").click()
    log_out(page)

    # The manager approves; finance pays the claim and the advance.
    log_in(page, world["manager"].email)
    page.goto(claim_url)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("The claim is approved.")).to_be_visible()
    page.get_by_label("Paid on").fill(day(0).isoformat())
    page.get_by_label("Payment reference").fill("WIRE-CLAIM-1")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("The payment is recorded.")).to_be_visible()
    page.goto(f"/money/awards/{award.pk}/")
    page.get_by_role("link", name="Advance").click()
    page.get_by_role("button", name="Approve the payment").click()
    page.get_by_label("Paid on").fill(day(0).isoformat())
    page.get_by_label("Payment reference").fill("WIRE-ADV-1")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("The payment is recorded.")).to_be_visible()

    # The ledger adds up, and its figures lead to their records.
    page.goto(f"/money/intakes/{world['intake'].pk}/ledger/")
    ledger = page.locator("dl.ledger")
    expect(ledger).to_contain_text("CA$4,000.00")
    expect(ledger).to_contain_text("CA$2,984.00")
    ledger.get_by_role("link", name="CA$984.00").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.locator("tbody tr").get_by_role(
        "link", name=f"Claim {ExpenseClaim.objects.get().pk}"
    ).click()
    expect(page.get_by_text("WIRE-CLAIM-1")).to_be_visible()
    log_out(page)

    # A second claim that would exceed the award is refused.
    log_in(page, world["owner"].email)
    page.goto(f"/money/awards/{award.pk}/")
    page.get_by_role("button", name="Start an expense claim").click()
    add_line(page, on=day(-7), category="travel", description="Trade fair stand",
             amount="2100", currency="EUR", name="fair.pdf", content=PDF,
             mime="application/pdf")  # fmt: skip
    page.get_by_role("button", name="Submit the claim").click()
    second_url = page.url
    log_out(page)
    log_in(page, world["manager"].email)
    page.goto(second_url)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(
        page.get_by_text(
            "Approving CA$3,150.00 would take this award over its CA$4,000.00: its tranches "
            "paid or approved CA$2,000.00 and its claims CA$984.00, so CA$1,016.00 is left. "
            "Nothing was changed."
        )
    ).to_be_visible()
    # The flight and hotel came out of the balance: the award pays 4,000 in all.
    page.goto(f"/money/awards/{award.pk}/")
    expect(page.locator("#tranches tbody tr").nth(1)).to_contain_text("CA$1,016.00")
