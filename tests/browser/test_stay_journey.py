"""A stay in Chromium from the firm's acceptance: the firm accepts its offer; the host's
partner confirms desk and dates; the manager's board shows the bar; the partner logs the
arrival, an introduction, a service and a check-in; the firm reads them and asks for a
longer stay, which the manager approves; the partner logs the departure; the manager sees
the placement completed with its history. And the board at a phone's width."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications.enums import ApplicationStatus, MemberRole, OfferStatus
from applications.models import Application, Offer
from placements.models import Placement
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.browser.conftest import open_page
from tests.browser.test_phone_width import PHONE, open_at, page_width
from tests.passwords import strong_password
from tests.placements.conftest import accepted_offer, day, placed, running_intake

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


def world():
    intake = running_intake(title="Spring outbound intake")
    host = factories.DeskOfferFactory(intake=intake, host__name="Berlin Hub", desks=2).host
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
    return intake, host, partner, manager, company, owner


def test_a_stay_from_the_firms_acceptance_to_its_completed_history(page):
    intake, host, partner, manager, company, owner = world()
    offer = accepted_offer(intake, host, company, starts_on=day(-3), ends_on=day(40))
    # The offer is still open: the firm has not answered yet.
    Offer.objects.filter(pk=offer.pk).update(
        status=OfferStatus.OPEN, deadline=timezone.now() + datetime.timedelta(days=5)
    )
    Application.objects.filter(pk=offer.application_id).update(status=ApplicationStatus.OFFERED)

    # The firm accepts its offer.
    log_in(page, owner.email)
    page.get_by_role("link", name="See the offer").click()
    page.get_by_role("button", name="Accept the place").click()
    expect(page.get_by_role("main").locator(".badge")).to_have_text("Accepted")
    log_out(page)

    # The host's partner confirms desk and dates.
    log_in(page, partner.email)
    page.get_by_role("link", name="1 firm waits for a desk and dates").click()
    page.get_by_label("Desk").fill("Window 2")
    page.get_by_role("button", name="Confirm desk and dates").click()
    expect(page.locator("#placement-status")).to_have_text("Scheduled")
    placement = Placement.objects.get()
    log_out(page)

    # The manager's board shows the firm's bar on Berlin Hub's desks, and today.
    log_in(page, manager.email)
    page.goto(reverse("programs:manage_intake", args=[intake.pk]))
    page.get_by_role("link", name="Placements board").click()
    board = page.locator(f"#board-host-{host.pk}")
    expect(board).to_contain_text("2 desks, 1 free today")
    bar = board.locator(".board__bar-box")
    expect(bar).to_have_count(1)
    expect(bar.locator("text")).to_have_text("Maple Analytics")
    # The bar is a link a screen reader names by firm, dates, status and desk.
    expect(
        board.get_by_role("link", name=re.compile(r"^Maple Analytics · .* · Scheduled · Window 2$"))
    ).to_have_count(1)
    # 27 days into the window (it began 30 days ago), 44 days long, six units a day.
    assert (bar.get_attribute("x"), bar.get_attribute("width")) == ("162", "264")
    expect(board.locator(".board__today")).to_have_count(1)
    expect(board.locator(".board__lane")).to_have_count(2)
    log_out(page)

    # The partner logs the arrival, an introduction, a service and a check-in.
    log_in(page, partner.email)
    page.goto(reverse("placements:detail", args=[placement.pk]))
    arrival = page.locator("form", has=page.get_by_role("heading", name="Log the arrival"))
    arrival.get_by_label("Date").fill(day(-2).isoformat())
    arrival.get_by_role("button", name="Log the arrival").click()
    expect(page.locator("#placement-status")).to_have_text("In residence")
    log = page.locator("#log-form")
    log.get_by_label("What to log").select_option(label="Introduction")
    log.get_by_label("Date").fill(day(-1).isoformat())
    log.get_by_label("Organisation").fill("Banco Norte")
    log.get_by_label("Kind of contact").select_option(label="Investor")
    log.get_by_role("button", name="Log").click()
    expect(page.get_by_role("status")).to_have_text("Logged.")
    log = page.locator("#log-form")
    log.get_by_label("What to log").select_option(label="Service delivered")
    log.get_by_label("Date").fill(day(-1).isoformat())
    log.get_by_label("Service", exact=True).select_option(label="Legal and regulatory counsel")
    log.get_by_label("By whom").fill("Kanzlei Roth")
    log.get_by_role("button", name="Log").click()
    expect(page.get_by_role("status")).to_have_text("Logged.")
    log = page.locator("#log-form")
    log.get_by_label("What to log").select_option(label="Check-in")
    log.get_by_label("Date").fill(day(0).isoformat())
    log.get_by_label("Note", exact=True).fill("Two leads this week")
    log.get_by_role("button", name="Log").click()
    expect(page.locator("#placement-log > li")).to_have_count(4)
    log_out(page)

    # The firm reads them, and asks to stay five days longer.
    log_in(page, owner.email)
    page.goto(reverse("placements:detail", args=[placement.pk]))
    entries = page.locator("#placement-log")
    for text in ["Banco Norte", "Legal and regulatory counsel", "Kanzlei Roth", "Two leads"]:
        expect(entries).to_contain_text(text)
    page.get_by_role("link", name="Ask to move the dates or cut the stay short").click()
    form = page.locator("#change-form")
    form.get_by_label("Change").select_option(label="Move the dates")
    form.get_by_label("New end, or the last day of a stay cut short").fill(day(45).isoformat())
    form.get_by_label("Why").fill("A buyer meeting moved.")
    form.get_by_role("button", name="Send the request").click()
    expect(page.locator("#change-status")).to_have_text("Pending")
    log_out(page)

    # The manager approves it from the board.
    log_in(page, manager.email)
    page.goto(reverse("placements:board", args=[intake.pk]))
    page.locator("#pending-changes").get_by_role("link", name="Maple Analytics").click()
    page.get_by_role("button", name="Approve the change").click()
    expect(page.locator("#change-status")).to_have_text("Approved")
    log_out(page)

    # The partner logs the departure.
    log_in(page, partner.email)
    page.goto(reverse("placements:detail", args=[placement.pk]))
    departure = page.locator("form", has=page.get_by_role("heading", name="Log the departure"))
    departure.get_by_label("Date").fill(day(0).isoformat())
    departure.get_by_role("button", name="Log the departure").click()
    expect(page.locator("#placement-status")).to_have_text("Completed")
    log_out(page)

    # The manager sees it completed, with its history.
    log_in(page, manager.email)
    page.locator("#manager-placements").get_by_role("link", name=intake.program.name).click()
    row = page.locator("#program-placements tbody tr")
    expect(row).to_contain_text("Completed")
    row.get_by_role("link", name="Maple Analytics").click()
    page.get_by_role("link", name="Full history").click()
    history = page.locator("#placement-history")
    expect(history).to_contain_text("In residence → Completed")
    expect(history).to_contain_text("A buyer meeting moved.")


@pytest.fixture
def phone(chromium_path, live_server, tmp_path):
    with open_page(chromium_path, live_server.url, tmp_path / "phone", viewport=PHONE) as page:
        yield page


def test_the_board_fits_a_phone_and_scrolls_inside_its_box(phone):
    intake, host, partner, manager, company, owner = world()
    placed(accepted_offer(intake, host, company), partner, start=-10, end=40)

    open_at(phone, manager, reverse("placements:board", args=[intake.pk]))

    assert page_width(phone) <= PHONE["width"]
    scroller = phone.locator(f"#board-host-{host.pk} .board__scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    expect(scroller.locator(".board__bar-box")).to_have_count(1)
