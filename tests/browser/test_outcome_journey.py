"""Outcomes in Chromium: a placement ends and the manager schedules its reports; the firm
confirms the host's introduction as an opportunity, enters a second one and its market entry,
and submits; the manager asks a question, the firm answers and submits again, the manager
verifies and enters a program cost; the figures page shows the headline figures and the ROI,
each drilling down to its records."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.enums import MemberRole
from placements import services as placements_services
from placements.enums import EntryKind, IntroductionKind
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.browser.test_stay_journey import PASSWORD, log_in, log_out
from tests.placements.conftest import accepted_offer, day, placed, running_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ended_stay():
    intake = running_intake(title="Spring outbound intake")
    host = factories.DeskOfferFactory(
        intake=intake, host__name="Berlin Hub", host__market__country="DE", desks=2
    ).host
    partner = factories.UserFactory(email="petra@hub.example", password=PASSWORD)
    programs_services.add_host_partner(host, user=partner)
    manager = factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.MANAGER,
        user__email="boss@program.example", user__password=PASSWORD,
    ).user  # fmt: skip
    company = factories.CompanyFactory(name="Maple Analytics", employees=10)
    owner = factories.CompanyMemberFactory(
        company=company, role=MemberRole.OWNER,
        user__email="owner@maple.example", user__password=PASSWORD,
    ).user  # fmt: skip
    placement = placed(accepted_offer(intake, host, company), partner, start=-20, end=30)
    placements_services.log_arrival(placement, by=partner, on=day(-20))
    placements_services.add_log_entry(
        placement, by=partner, kind=EntryKind.INTRODUCTION, on=day(-12),
        organisation="Hanseatic Logistics GmbH", country="DE",
        introduction_kind=IntroductionKind.CUSTOMER, hoped_outcome="A pilot.",
    )  # fmt: skip
    # The stay ends.
    placements_services.log_departure(placement, by=partner, on=day(-1))
    return manager, owner


def open_report(page):
    """The ended stay's end-of-stay report, scheduled and opened by the firm's owner: (the
    owner, the report)."""
    from outcomes import services as outcomes_services
    from outcomes.models import OutcomeReport
    from placements.models import Placement

    _manager, owner = ended_stay()
    outcomes_services.schedule_reports(Placement.objects.get())
    report = OutcomeReport.objects.get(kind="end-of-stay")
    log_in(page, owner.email)
    page.goto(f"/outcomes/reports/{report.pk}/")
    return owner, report


def test_outcomes_from_the_end_of_a_stay_to_the_programs_figures(page):
    manager, owner = ended_stay()

    # The manager schedules the ended stay's reports.
    log_in(page, manager.email)
    page.goto(reverse("outcomes:manage_reports"))
    page.get_by_role("button", name="Schedule its reports").click()
    expect(page.get_by_text("4 reports scheduled.")).to_be_visible()
    expect(page.get_by_role("link", name="Maple Analytics")).to_have_count(4)
    log_out(page)

    # The firm opens its end-of-stay report from the dashboard.
    log_in(page, owner.email)
    page.get_by_role("link", name="Maple Analytics · End of stay").click()
    page.get_by_role("button", name="Confirm as an opportunity").click()
    expect(page.get_by_text("The introduction is now one of your opportunities.")).to_be_visible()
    # Its value and stage, in the form that updates an open opportunity.
    page.locator("summary", has_text="Hanseatic Logistics GmbH").click()
    update = page.locator("details form")
    update.get_by_label("Stage").select_option("negotiation")
    # (Its currency is a list of its own now, beside the amount: CAD as drawn.)
    update.get_by_label("Value: amount").fill("30000")
    update.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Opportunity saved.")).to_be_visible()
    # A second opportunity, typed.
    add = page.locator("form", has=page.get_by_role("button", name="Add the opportunity"))
    add.get_by_label("Counterpart").fill("Rhein Software AG")
    add.get_by_label("Country").select_option("DE")
    add.get_by_label("Kind").select_option("licensing")
    add.locator("input[name='value_0']").fill("20000")
    add.locator("select[name='value_1']").select_option("CAD")
    add.get_by_label("Stage").select_option("identified")
    add.get_by_label("Identified on").fill(day(-5).isoformat())
    add.get_by_label("What the stay had to do with it").select_option("contributed")
    add.get_by_role("button", name="Add the opportunity").click()
    expect(page.get_by_text("Opportunity saved.")).to_be_visible()
    # Market entry: a first customer in Germany.
    entry = page.locator("form", has=page.get_by_role("button", name="Add the market entry"))
    entry.get_by_label("Market").select_option("DE")
    entry.get_by_label("What").select_option("first-customer")
    entry.get_by_label("Date").fill(day(-3).isoformat())
    entry.get_by_role("button", name="Add the market entry").click()
    expect(page.get_by_text("Market entry saved.")).to_be_visible()
    page.get_by_label("What happened, in a few lines").fill("A pilot with Hanseatic.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_text("Report submitted. Thank you.")).to_be_visible()
    log_out(page)

    # The manager asks a question.
    log_in(page, manager.email)
    page.get_by_role("link", name="1 report to verify").click()
    page.get_by_role("link", name="Maple Analytics").click()
    page.get_by_label("Action").select_option("ask")
    page.get_by_label("Question for the firm, or reason").fill("Is the pilot signed?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Question sent to the firm.")).to_be_visible()
    log_out(page)

    # The firm answers in the report and submits it again.
    log_in(page, owner.email)
    page.get_by_role("link", name="Maple Analytics · End of stay").click()
    expect(page.get_by_text("Is the pilot signed?").first).to_be_visible()
    page.get_by_label("Your answer to the program's question").fill("Yes, on day one.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_text("Report submitted. Thank you.")).to_be_visible()
    log_out(page)

    # The manager reads the answer and verifies; then enters the round's launch event.
    log_in(page, manager.email)
    page.get_by_role("link", name="1 report to verify").click()
    page.get_by_role("link", name="Maple Analytics").click()
    expect(page.get_by_text("Yes, on day one.").first).to_be_visible()
    page.get_by_label("Action").select_option("verify")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Report verified.")).to_be_visible()
    page.goto(reverse("outcomes:costs"))
    cost = page.locator("#cost-form")
    cost.get_by_label("Description").fill("Launch event")
    cost.locator("input[name='amount_0']").fill("1000")
    cost.locator("select[name='amount_1']").select_option("CAD")
    cost.get_by_label("Date").fill(day(-2).isoformat())
    cost.get_by_role("button", name="Save the cost").click()
    expect(page.get_by_text("Cost saved.")).to_be_visible()

    # The figures: one firm placed, one market, two opportunities worth 50,000, ROI 50.
    page.goto(reverse("outcomes:figures"))
    figures = page.get_by_role("main").locator("table").first

    def row(name):
        return figures.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))

    expect(row("Companies placed").locator("td").first).to_have_text("1")
    expect(row("Markets entered").locator("td").first).to_have_text("1")
    expect(row("Opportunities identified").locator("td").first).to_have_text("2 · CA$50,000.00")
    expect(row("Deals won").locator("td").first).to_have_text("0 · CA$0.00")
    expect(row("Program cost").locator("td").first).to_have_text("CA$1,000.00")
    expect(row("Return on investment").locator("td").first).to_have_text("50.0")

    # Each figure opens the records behind it.
    for figure, records in [
        ("Companies placed", ["Maple Analytics"]),
        ("Markets entered", ["Germany"]),
        ("Opportunities identified", ["Hanseatic Logistics GmbH", "Rhein Software AG"]),
        ("Program cost", ["Launch event"]),
    ]:
        figures.get_by_role("link", name=figure, exact=True).click()
        expect(page.get_by_role("heading", name="Records behind the figure")).to_be_visible()
        for text in records:
            expect(page.get_by_role("main").get_by_text(text).first).to_be_visible()
        page.go_back()
