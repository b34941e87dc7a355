"""Defects a tester's probe found in outcomes, each fixed: emails naming the report in the
reader's language, a market entry of a rejected report recorded again, another program's
manager marking a value unverified, a refused opportunity update drawn in the form that adds
one, an unchanged update reopening a verified report, the API refusing amounts the forms
accept, server errors on a huge headcount or host filter, the payments CSV, and a refused due
date move losing the manager's reason."""

import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from djmoney.money import Money

from outcomes import figures, reminders, services
from outcomes.enums import ReportStatus
from outcomes.models import MarketEntry, Opportunity, OpportunityUpdate
from programs.enums import StaffRole
from programs.models import Intake
from tests import factories
from tests.outcomes.conftest import accepted_offer, day, ended_placement, running_intake
from tests.outcomes.test_api import client_for
from tests.outcomes.test_figures import payments, program  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

S = ReportStatus


def everything():
    return figures.Scope(Intake.objects.all())


def acme(report, owner, **changes):
    data = {
        "organisation": "Acme GmbH", "country": "DE", "kind": "sales-contract",
        "value": Money(1000, "CAD"), "stage": "identified", "identified_on": day(-2),
        "attribution": "decisive",
    } | changes  # fmt: skip
    return services.save_opportunity(report, by=owner, **data)


def verified(report, owner, manager):
    services.save_report(report, by=owner, version=None, narrative="Done.")
    services.submit_report(report, by=owner)
    return services.verify_report(report, by=manager)


# --- 1. Emails name the report kind in the reader's language ------------------------------


def test_a_french_reader_gets_the_report_kind_in_french(
    report, partner, owner, manager, django_capture_on_commit_callbacks
):
    owner.language, manager.language = "fr", "en"
    owner.save()
    manager.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        reminders.remind_reports(today=day(7))
    [email] = [email for email in mail.outbox if email.to == [owner.email]]
    with translation.override("fr"):
        due = date_format(report.due_on)
    assert (
        email.subject == f"Votre rapport sur les retombées (Fin du séjour) est à remettre le {due}"
    )
    assert "«\xa0Fin du séjour\xa0»" in email.body
    assert "End of stay" not in email.subject + email.body


def test_an_english_reader_gets_the_report_kind_in_english_from_a_job_run_in_french(
    report, partner, owner, manager, django_capture_on_commit_callbacks
):
    owner.language, manager.language = "fr", "en"
    owner.save()
    manager.save()
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        reminders.remind_reports(today=day(60))
    [email] = [email for email in mail.outbox if email.to == [manager.email]]
    assert email.subject == "Outcome report overdue: Maple Analytics (End of stay)"
    assert "Fin du séjour" not in email.body


# --- 2. A market entry of a rejected report --------------------------------------------------


def test_a_market_entry_of_a_rejected_report_can_be_recorded_again_and_counts(
    reports, owner, manager
):
    end, later = reports["end-of-stay"], reports["3-months"]
    services.record_market_entry(end, by=owner, country="DE", kind="first-sale", on=day(-1))
    services.save_report(end, by=owner, version=None, narrative="Done.")
    services.submit_report(end, by=owner)
    services.reject_report(end, by=manager, reason="Figures not credible")

    services.record_market_entry(later, by=owner, country="DE", kind="first-sale", on=day(-1))
    verified(later, owner, manager)

    assert list(MarketEntry.objects.order_by("pk").values_list("report", flat=True)) == [
        end.pk,
        later.pk,
    ]
    assert figures.headline(everything()).markets == 1


def test_a_market_entry_of_a_report_not_rejected_is_still_refused_in_another(reports, owner):
    end, later = reports["end-of-stay"], reports["3-months"]
    services.record_market_entry(end, by=owner, country="DE", kind="first-sale", on=day(-1))
    with pytest.raises(ValidationError) as error:
        services.record_market_entry(later, by=owner, country="DE", kind="first-sale", on=day(-1))
    assert error.value.messages == ["This market entry is already recorded."]


# --- 3. Another program's manager and a value counted in mine --------------------------------


@pytest.fixture
def shared_deal(intake, host, partner, company, owner, manager):
    """A firm placed in two programs: a deal reported and verified from its stay in program B,
    then updated from its report in program A (submitted, for A's manager to verify)."""
    other = running_intake()
    assert other.program_id != intake.program_id
    other_manager = factories.ProgramStaffFactory(
        program=other.program, role=StaffRole.MANAGER
    ).user
    other_host = factories.DeskOfferFactory(intake=other, host__name="Lagos Hub", desks=1).host
    other_host.partner_staff.add(partner)
    stay_b = ended_placement(
        accepted_offer(other, other_host, company, starts_on=day(-10), ends_on=day(40)), partner
    )
    report_b = services.schedule_reports(stay_b)[0]
    deal = acme(report_b, owner, organisation="Buyer", country="NG", value=Money(5000, "CAD"))
    verified(report_b, owner, other_manager)
    stay_a = ended_placement(
        accepted_offer(intake, host, company, starts_on=day(-10), ends_on=day(40)), partner
    )
    report_a = services.schedule_reports(stay_a)[0]
    services.save_opportunity(report_a, by=owner, opportunity=deal, stage="negotiation")
    services.save_report(report_a, by=owner, version=None, narrative="Done.")
    services.submit_report(report_a, by=owner)
    return {"b": other, "b_manager": other_manager, "report_a": report_a, "deal": deal}


def value_in_b(shared):
    scope = figures.Scope(Intake.objects.filter(pk=shared["b"].pk))
    return figures.headline(scope).value_identified


def test_a_manager_of_another_program_cannot_mark_a_value_counted_in_mine_unverified(
    client, shared_deal, manager
):
    report_a, deal = shared_deal["report_a"], shared_deal["deal"]
    client.force_login(manager)  # program A's manager only
    response = client.post(
        reverse("outcomes:opportunity_value", args=[report_a.pk, deal.pk]),
        {"reason": "Looks inflated"},
    )
    deal.refresh_from_db()
    assert (response.status_code, deal.value_unverified, value_in_b(shared_deal)) == (
        403,
        False,
        5000,
    )


def test_the_verify_page_offers_no_value_button_for_a_deal_counted_elsewhere(
    client, shared_deal, manager
):
    report_a, deal = shared_deal["report_a"], shared_deal["deal"]
    client.force_login(manager)
    page = client.get(reverse("outcomes:verify", args=[report_a.pk])).content.decode()
    assert reverse("outcomes:opportunity_value", args=[report_a.pk, deal.pk]) not in page
    assert "Its value counts in the figures of an intake you do not manage." in page


def test_the_manager_of_the_program_it_counts_in_may_mark_it_unverified(client, shared_deal):
    report_a, deal = shared_deal["report_a"], shared_deal["deal"]
    client.force_login(shared_deal["b_manager"])
    response = client.post(
        reverse("outcomes:opportunity_value", args=[report_a.pk, deal.pk]),
        {"reason": "Looks inflated"},
    )
    # B's manager does not manage report A at all: it is not theirs to see.
    assert response.status_code == 404
    report_b = OpportunityUpdate.objects.exclude(report=report_a).get(opportunity=deal).report
    response = client.post(
        reverse("outcomes:opportunity_value", args=[report_b.pk, deal.pk]),
        {"reason": "Looks inflated"},
    )
    deal.refresh_from_db()
    assert (response.status_code, deal.value_unverified, value_in_b(shared_deal)) == (
        302,
        True,
        0,
    )


# --- 4. A refused update of an opportunity ---------------------------------------------------


def form_posting_to(page, action):
    form = page[page.index(f'action="{action}"') :]
    return form[: form.index("</form>")]


def the_update_as_drawn(opportunity, **typed):
    return {
        "stage": opportunity.stage, "value_0": f"{opportunity.value.amount}", "value_1": "CAD",
        "closed_on": "", "organisation": opportunity.organisation,
        "country": opportunity.country.code, "kind": opportunity.kind,
        "identified_on": opportunity.identified_on.isoformat(), "expected_on": "",
        "attribution": opportunity.attribution,
    } | typed  # fmt: skip


def test_a_refused_update_is_drawn_again_in_its_own_form_and_the_add_form_stays_blank(
    client, report, owner
):
    deal = acme(report, owner)
    client.force_login(owner)
    url = reverse("outcomes:update_opportunity", args=[report.pk, deal.pk])
    # Won, with a new value, but no day it was won.
    response = client.post(url, the_update_as_drawn(deal, stage="won", value_0="7777.00"))
    assert response.status_code == 400
    page = response.content.decode()
    update = form_posting_to(page, url)
    add = form_posting_to(page, reverse("outcomes:add_opportunity", args=[report.pk]))
    assert 'value="7777.00"' in update
    assert '<option value="won" selected>' in update
    assert "Give the day the deal was won or lost." in update
    assert ("Acme GmbH" in add, "7777" in add, "Give the day" in add) == (False, False, False)
    assert re.search(r'name="once" value="[0-9a-f]{32}"', add)
    assert "<details open>" in page


def test_the_refused_update_sent_again_with_the_day_updates_the_one_opportunity(
    client, report, owner
):
    deal = acme(report, owner)
    client.force_login(owner)
    url = reverse("outcomes:update_opportunity", args=[report.pk, deal.pk])
    page = client.post(url, the_update_as_drawn(deal, stage="won", value_0="7777.00"))
    update = form_posting_to(page.content.decode(), url)
    sent = dict(re.findall(r'name="([a-z_0-9]+)"[^>]*value="([^"]*)"', update))
    sent |= {"stage": "won", "value_1": "CAD", "closed_on": day(-1).isoformat()}
    assert client.post(url, sent).status_code == 302
    assert list(
        Opportunity.objects.values_list(
            "organisation", "stage", "value", "value_currency", "closed_on"
        )
    ) == [("Acme GmbH", "won", Decimal("7777.00"), "CAD", day(-1))]


def test_a_refused_add_sent_without_a_token_is_drawn_again_with_one(client, report, owner):
    client.force_login(owner)
    url = reverse("outcomes:add_opportunity", args=[report.pk])
    response = client.post(url, {"organisation": "Acme GmbH", "once": ""})
    assert response.status_code == 400
    add = form_posting_to(response.content.decode(), url)
    assert re.search(r'name="once" value="[0-9a-f]{32}"', add)


# --- 5. An update sent unchanged -------------------------------------------------------------


def test_an_update_sent_unchanged_leaves_a_verified_report_verified(client, report, owner, manager):
    deal = acme(report, owner)
    verified(report, owner, manager)
    before = figures.headline(everything())
    version = report.__class__.objects.get(pk=report.pk).version
    client.force_login(owner)
    page = client.get(reverse("outcomes:report", args=[report.pk])).content.decode()
    url = reverse("outcomes:update_opportunity", args=[report.pk, deal.pk])
    drawn = dict(re.findall(r'name="([a-z_0-9]+)"[^>]*value="([^"]*)"', form_posting_to(page, url)))
    drawn |= {"stage": "identified", "value_1": "CAD"}  # the selected options
    assert client.post(url, drawn).status_code == 302
    report.refresh_from_db()
    after = figures.headline(everything())
    assert (report.status, report.version, after.opportunities, after.value_identified) == (
        S.VERIFIED,
        version,
        1,
        before.value_identified,
    )


def test_an_update_unchanged_in_a_report_that_does_not_mention_it_yet_is_recorded(reports, owner):
    end, later = reports["end-of-stay"], reports["3-months"]
    deal = acme(end, owner)
    services.save_opportunity(later, by=owner, opportunity=deal, stage="identified")
    later.refresh_from_db()
    assert (later.version, list(later.updates.values_list("opportunity", "stage"))) == (
        2,
        [(deal.pk, "identified")],
    )


# --- 6. The API and amounts the forms accept -------------------------------------------------


def test_the_api_gives_the_largest_values_and_sums_the_forms_accept(report, owner, manager):
    acme(report, owner, organisation="Big buyer", value=Money("90000000000000.00", "CAD"))
    acme(report, owner, organisation="Bigger buyer", value=Money("90000000000000.00", "CAD"))
    services.save_report(report, by=owner, version=None, investment=Money("12345678901234", "CAD"))
    verified(report, owner, manager)
    client = client_for(manager, {"program": "all"})
    deals = client.get("/api/v1/opportunities/").json()["results"]
    reports = client.get("/api/v1/outcome-reports/").json()["results"]
    found = client.get("/api/v1/figures/").json()
    assert [deal["value"] for deal in deals] == ["90000000000000.00", "90000000000000.00"]
    assert reports[0]["investment"] == "12345678901234.00"
    assert (found["verified"]["value_identified"], found["verified"]["investment"]) == (
        "180000000000000.00",
        "12345678901234.00",
    )


# --- 7 and 8. Odd input ----------------------------------------------------------------------

BLANK_MONEY = {"revenue_from_market_1": "CAD", "total_revenue_1": "CAD", "investment_1": "CAD"}


@pytest.mark.parametrize("employees", ["10000001", "99999999999999999999999"])
def test_a_huge_headcount_is_refused_next_to_the_field(client, report, owner, employees):
    client.force_login(owner)
    response = client.post(
        reverse("outcomes:report", args=[report.pk]),
        {"version": report.version, "editor": "abc", **BLANK_MONEY, "employees_home": employees},
    )
    report.refresh_from_db()
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 10000000." in response.content.decode()
    assert (report.employees_home, report.version) == (None, 1)


def test_the_largest_headcount_is_saved(client, report, owner):
    client.force_login(owner)
    client.post(
        reverse("outcomes:report", args=[report.pk]),
        {"version": report.version, "editor": "abc", **BLANK_MONEY, "employees_home": "10000000"},
    )
    report.refresh_from_db()
    assert report.employees_home == 10_000_000


@pytest.mark.parametrize("host_id", ["99999999999999999999999", "9223372036854775808"])
def test_a_host_no_row_can_have_is_ignored_on_the_figures_pages(client, report, manager, host_id):
    client.force_login(manager)
    for url in (
        reverse("outcomes:figures"),
        reverse("outcomes:figure_records", args=["opportunities"]),
    ):
        assert client.get(f"{url}?host={host_id}").status_code == 200
        assert client.get(f"{url}?host={host_id}&format=csv").status_code == 200


# --- 9. The payments records as CSV ----------------------------------------------------------


def test_the_payments_records_download_as_csv(payments, client, manager):  # noqa: F811
    client.force_login(manager)
    response = client.get(reverse("outcomes:figure_records", args=["payments"]) + "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    paid = date_format(day(0))
    assert b"".join(response.streaming_content).decode().splitlines() == [
        "Kind,Company,Paid on,Amount,Currency",
        f"Host desk invoice,Maple,{paid},500.50,EUR",
        f"Stipend tranche,Maple,{paid},2000.00,CAD",
    ]


# --- 10. A refused due date move -------------------------------------------------------------

REASON = "The firm's accountant is on leave until the end of the month; agreed by phone."


@pytest.mark.parametrize(
    ("due", "error"),
    [
        ("same", "That is already its due date."),
        ("", "This field is required."),
        ("31/02/2026", "Enter a valid date."),
    ],
)
def test_a_refused_due_date_move_is_drawn_again_with_the_typed_reason(
    client, report, manager, due, error
):
    client.force_login(manager)
    to = report.due_on.isoformat() if due == "same" else due
    url = reverse("outcomes:move_due_date", args=[report.pk])
    response = client.post(url, {"due_on": to, "reason": REASON})
    assert response.status_code == 400
    form = form_posting_to(response.content.decode(), url)
    assert f'name="reason" value="{html.escape(REASON)}"' in form
    assert error in form
    assert report.__class__.objects.get(pk=report.pk).due_on == report.due_on


def test_a_due_date_move_refused_for_a_handed_in_report_says_why(client, report, owner, manager):
    services.save_report(report, by=owner, version=None, narrative="Done.")
    services.submit_report(report, by=owner)
    client.force_login(manager)
    url = reverse("outcomes:move_due_date", args=[report.pk])
    response = client.post(url, {"due_on": day(30).isoformat(), "reason": REASON})
    assert response.status_code == 400
    assert "Only a report still to hand in has a due date to move." in form_posting_to(
        response.content.decode(), url
    )
