"""A stay in Chromium: the host's partner confirms desk and dates for a firm that accepted its
offer, logs its arrival, an introduction, a service and a check-in; the firm reads them; the
partner logs the departure; the manager sees the placement completed, with its history."""

import pytest
from playwright.sync_api import expect

from applications.enums import MemberRole
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.passwords import strong_password
from tests.placements.conftest import accepted_offer, day, running_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = strong_password()


def log_in(page, email):
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def log_out(page):
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    page.get_by_role("banner").get_by_role("link", name="Log in").wait_for()


def test_a_stay_from_confirmation_to_departure(page):
    intake = running_intake(title="Spring outbound intake")
    host = factories.DeskOfferFactory(intake=intake, host__name="Berlin Hub", desks=1).host
    partner = factories.UserFactory(email="petra@hub.example", password=PASSWORD)
    programs_services.add_host_partner(host, user=partner)
    manager = factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.MANAGER,
        user__email="boss@program.example", user__password=PASSWORD,
    ).user  # fmt: skip
    company = factories.CompanyFactory(name="Maple Analytics")
    owner = factories.CompanyMemberFactory(
        company=company, role=MemberRole.OWNER,
        user__email="owner@maple.example", user__password=PASSWORD,
    ).user  # fmt: skip
    accepted_offer(intake, host, company, starts_on=day(-3), ends_on=day(40))

    log_in(page, partner.email)
    page.get_by_role("link", name="1 firm waits for a desk and dates").click()
    page.get_by_label("Desk").fill("Window 2")
    page.get_by_role("button", name="Confirm desk and dates").click()
    expect(page.get_by_role("status")).to_have_text("Desk and dates of Maple Analytics confirmed.")
    expect(page.locator("#placement-status")).to_have_text("Scheduled")

    arrival = page.locator("form", has=page.get_by_role("heading", name="Log the arrival"))
    arrival.get_by_label("Date").fill(day(-2).isoformat())
    arrival.get_by_role("button", name="Log the arrival").click()
    expect(page.locator("#placement-status")).to_have_text("In residence")

    log = page.locator("#log-form")
    log.get_by_label("What to log").select_option(label="Introduction")
    log.get_by_label("Date").fill(day(-1).isoformat())
    log.get_by_label("Organisation").fill("Banco Norte")
    log.get_by_label("Kind of contact").select_option(label="Investor")
    log.get_by_label("What the firm hopes from it").fill("A seed round")
    log.get_by_role("button", name="Log").click()
    expect(page.get_by_role("status")).to_have_text("Logged.")
    log = page.locator("#log-form")
    log.get_by_label("What to log").select_option(label="Service delivered")
    log.get_by_label("Date").fill(day(-1).isoformat())
    log.get_by_label("Service", exact=True).select_option(label="Export financing")
    log.get_by_label("By whom").fill("KfW desk")
    log.get_by_label("Hours").fill("3")
    log.get_by_role("button", name="Log").click()
    log = page.locator("#log-form")
    log.get_by_label("What to log").select_option(label="Check-in")
    log.get_by_label("Date").fill(day(0).isoformat())
    log.get_by_label("Note", exact=True).fill("Two leads this week")
    log.get_by_role("button", name="Log").click()
    expect(page.locator("#placement-log > li")).to_have_count(4)
    log_out(page)

    log_in(page, owner.email)
    page.locator("#firm-placements").get_by_role("link").click()
    entries = page.locator("#placement-log")
    for text in ["Banco Norte", "Export financing", "KfW desk", "Two leads this week"]:
        expect(entries).to_contain_text(text)
    expect(page.get_by_role("main")).to_contain_text("Window 2")
    expect(page.locator("#log-form")).to_have_count(0)
    log_out(page)

    log_in(page, partner.email)
    page.get_by_role("link", name="1 firm in residence").click()
    page.get_by_role("link", name="Maple Analytics").click()
    departure = page.locator("form", has=page.get_by_role("heading", name="Log the departure"))
    departure.get_by_label("Date").fill(day(0).isoformat())
    departure.get_by_role("button", name="Log the departure").click()
    expect(page.locator("#placement-status")).to_have_text("Completed")
    log_out(page)

    log_in(page, manager.email)
    page.locator("#manager-placements").get_by_role("link", name=intake.program.name).click()
    row = page.locator("#program-placements tbody tr")
    expect(row).to_contain_text("Completed")
    row.get_by_role("link", name="Maple Analytics").click()
    page.get_by_role("link", name="Full history").click()
    expect(page.locator("#placement-history tbody tr")).to_have_count(3)
    expect(page.locator("#placement-history")).to_contain_text("In residence → Completed")
