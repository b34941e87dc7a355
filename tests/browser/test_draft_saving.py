"""What a person types on a draft's step is saved, whatever the autosave was doing when they
pressed a button (in Chromium, on the suite's database)."""

import pytest
from django.utils import timezone
from djmoney.money import Money
from playwright.sync_api import expect

from applications import services
from applications.enums import BudgetCategory, MemberRole
from applications.models import Application
from programs.models import ExchangeRate
from tests import factories
from tests.browser.test_application_journey import NOT_SAVED, PASSWORD, answer, autosave, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft():
    intake = factories.IntakeFactory(title="Brazil outbound intake")
    factories.DeskOfferFactory(intake=intake)
    owner = factories.CompanyMemberFactory(
        user=factories.UserFactory(email="founder@northwind.example", password=PASSWORD),
        role=MemberRole.OWNER,
    )
    ExchangeRate.objects.create(
        currency="EUR", rate="1.50000000", valid_from=timezone.localdate(), source="Test"
    )
    return services.start_application(owner.company, intake, by=owner.user)


def open_step(page, draft, step, title):
    page.goto("/")
    log_in(page, "founder@northwind.example")
    page.wait_for_url("**/dashboard/")
    page.goto(f"/applications/{draft.pk}/{step}/")
    page.get_by_role("heading", name=title, level=2).wait_for()


@pytest.mark.parametrize("currency", ["CAD", "EUR"])
def test_a_budget_line_autosaved_then_saved_and_continued_stays(page, draft, currency):
    open_step(page, draft, "budget", "Budget")
    line = page.get_by_role("group", name="Line 1")
    amount = line.get_by_role("group", name="Amount")
    autosave(page, lambda: answer(line.get_by_label("Description"), "Flights"), NOT_SAVED)
    autosave(page, lambda: answer(amount.get_by_role("spinbutton"), "1500"))
    if currency != "CAD":
        autosave(page, lambda: amount.get_by_role("combobox").select_option(currency))
    expect(amount.get_by_role("combobox")).to_have_value(currency)
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Documents", level=2).wait_for()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    lines = Application.objects.get(pk=draft.pk).budget_lines.all()
    assert [(line.category, line.description, line.amount) for line in lines] == [
        (BudgetCategory.TRAVEL, "Flights", Money("1500.00", currency))
    ]


def test_typing_then_pressing_save_at_once_saves_once_after_the_autosave(page, draft):
    open_step(page, draft, "case", "Business case")
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(("sent", r)))
    page.on("requestfinished", lambda r: r.method == "POST" and posts.append(("answered", r)))
    page.on("requestfailed", lambda r: r.method == "POST" and posts.append(("failed", r)))
    statuses = []
    page.on("response", lambda response: statuses.append(response.status))

    # Leaving the field by pressing Save: its autosave and the button's save start together.
    page.get_by_label("Who travels").fill("Our CEO and our CTO.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("Saved.")
    page.get_by_role("heading", name="Business case", level=2).wait_for()
    expect(page.get_by_label("Who travels")).to_have_value("Our CEO and our CTO.")
    # The autosave went first and was answered before the form was sent.
    assert [(what, request.headers.get("hx-request") == "true") for what, request in posts] == [
        ("sent", True),
        ("answered", True),
        ("sent", False),
        ("answered", False),
    ]
    assert not [status for status in statuses if status >= 500]
    saved = Application.objects.get(pk=draft.pk)
    assert (saved.travellers, saved.version) == ("Our CEO and our CTO.", draft.version + 2)
