from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from outcomes import services
from outcomes.models import OutcomeReport
from placements.models import Placement
from tests import factories
from tests.outcomes.conftest import accepted_offer, day

pytestmark = pytest.mark.django_db


def test_the_firm_opens_its_report(client, report, owner):
    client.force_login(owner)
    response = client.get(reverse("outcomes:report", args=[report.pk]))
    assert response.status_code == 200
    assert b"data-autosave" in response.content


@pytest.mark.parametrize("who", ["stranger", "partner"])
def test_a_member_of_another_firm_or_the_hosts_partner_gets_a_404(client, report, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("outcomes:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("outcomes:verify", args=[report.pk])).status_code == 404


def test_the_firm_may_not_verify_its_own_report(client, report, owner):
    client.force_login(owner)
    assert client.get(reverse("outcomes:verify", args=[report.pk])).status_code == 403


def test_the_intakes_manager_opens_the_verification_page(client, report, manager):
    client.force_login(manager)
    assert client.get(reverse("outcomes:verify", args=[report.pk])).status_code == 200


def test_the_autosave_returns_the_new_version(client, report, owner):
    client.force_login(owner)
    response = client.post(
        reverse("outcomes:report", args=[report.pk]),
        {"version": 1, "editor": "page", "narrative": "Met buyers", "employees_home": "4",
         "revenue_from_market_1": "CAD", "total_revenue_1": "CAD", "investment_1": "CAD"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 200
    assert b'name="version" value="2"' in response.content
    report.refresh_from_db()
    assert (report.narrative, report.employees_home) == ("Met buyers", 4)


def test_a_stale_autosave_says_so_and_saves_nothing(client, report, owner):
    services.save_report(report, by=owner, version=1, editor="other", narrative="Theirs")
    client.force_login(owner)
    response = client.post(
        reverse("outcomes:report", args=[report.pk]),
        {"version": 1, "editor": "mine", "narrative": "Mine"},
        HTTP_HX_REQUEST="true",
    )
    assert b"Someone else saved this report" in response.content
    report.refresh_from_db()
    assert report.narrative == "Theirs"


def test_a_host_introduction_is_confirmed_in_one_click(client, report, owner, ended, partner):
    from placements import services as placements_services

    entry = placements_services.add_log_entry(
        ended, by=partner, kind="introduction", on=day(-3), organisation="Siemens",
        introduction_kind="investor",
    )  # fmt: skip
    client.force_login(owner)
    url = reverse("outcomes:confirm_introduction", args=[report.pk, entry.pk])
    assert client.post(url).status_code == 302
    assert list(ended.opportunities.values_list("organisation", "kind", "introduction")) == [
        ("Siemens", "investment", entry.pk)
    ]


def test_a_value_in_a_currency_with_no_rate_is_refused_on_the_page(client, report, owner):
    client.force_login(owner)
    response = client.post(
        reverse("outcomes:add_opportunity", args=[report.pk]),
        {"organisation": "Acme", "country": "DE", "kind": "licensing", "value_0": "100",
         "value_1": "BRL", "stage": "identified", "identified_on": day(-1).isoformat(),
         "attribution": "contributed"},
    )  # fmt: skip
    assert response.status_code == 400
    assert b"No exchange rate for BRL on or before" in response.content
    assert report.placement.opportunities.count() == 0


def many_reports(intake, host, partner, placements):
    for _ in range(placements):
        offer = accepted_offer(intake, host, starts_on=day(-10), ends_on=day(40))
        placement = Placement.objects.create(
            offer=offer, company=offer.application.company, intake=intake, host=host,
            starts_on=day(-10), ends_on=day(40), arrived_on=day(-10), departed_on=day(0),
            status="completed", confirmed_by=partner,
        )  # fmt: skip
        OutcomeReport.objects.bulk_create(
            OutcomeReport(placement=placement, kind=kind, due_on=day(index - 5))
            for index, kind in enumerate(["end-of-stay", "3-months", "6-months", "12-months"])
        )


def list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("outcomes:manage_reports"), {"due": "overdue"})
    assert response.status_code == 200
    return len(queries)


def test_the_managers_list_runs_as_many_queries_for_3_as_for_300_rows(
    client, intake, host, partner, manager
):
    client.force_login(manager)
    many_reports(intake, host, partner, 1)
    OutcomeReport.objects.filter(kind="12-months").delete()
    assert OutcomeReport.objects.count() == 3
    few = list_queries(client)
    many_reports(intake, host, partner, 74)
    OutcomeReport.objects.bulk_create(
        [OutcomeReport(placement=Placement.objects.first(), kind="12-months", due_on=day(-9))]
    )
    assert OutcomeReport.objects.count() == 300
    assert list_queries(client) == few


def test_the_figures_page_and_its_csv(client, report, owner, manager):
    services.save_report(report, by=owner, version=None, narrative="Done.")
    services.save_opportunity(
        report, by=owner, organisation="Acme", country="DE", kind="licensing",
        value=Money(1200, "CAD"), stage="identified", identified_on=day(-1),
        attribution="decisive",
    )  # fmt: skip
    services.submit_report(report, by=owner)
    services.verify_report(report, by=manager)
    client.force_login(manager)
    page = client.get(reverse("outcomes:figures"), {"by": "market"})
    assert page.status_code == 200
    assert page.context["shown"].value_identified == 1200
    assert page.context["beside"] is None
    csv = client.get(reverse("outcomes:figures"), {"format": "csv"})
    assert (
        csv.getvalue().decode().splitlines()[1] == "Whole program,1,0,1,1200.00,0,0.00,0,0.00,0.00,"
    )
    records = client.get(reverse("outcomes:figure_records", args=["opportunities"]))
    assert [record.organisation for record in records.context["records"]] == ["Acme"]


def test_partners_and_firms_have_no_figures_page(client, report, owner, partner):
    for person in (owner, partner):
        client.force_login(person)
        assert client.get(reverse("outcomes:figures")).status_code == 404
    assert factories  # the factories module is imported for the fixtures


def test_the_manager_enters_another_program_cost_for_an_intake(client, intake, manager):
    from outcomes.models import ProgramCost

    client.force_login(manager)
    url = reverse("outcomes:costs")
    response = client.post(
        url,
        {"intake": intake.pk, "description": "Launch event", "amount_0": "1200.50",
         "amount_1": "CAD", "on": day(-3).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    cost = ProgramCost.objects.get()
    assert (cost.intake_id, cost.description, cost.amount, cost.amount_converted, cost.on) == (
        intake.pk, "Launch event", Money("1200.50", "CAD"), Decimal("1200.50"), day(-3)
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "Launch event" in page and "CA$1,200.50" in page


def test_a_cost_for_an_intake_the_person_does_not_manage_is_refused(client, manager):
    from outcomes.models import ProgramCost

    other = factories.IntakeFactory()
    client.force_login(manager)
    response = client.post(
        reverse("outcomes:costs"),
        {"intake": other.pk, "description": "Travel", "amount_0": "10", "amount_1": "CAD",
         "on": day(-3).isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert ProgramCost.objects.count() == 0


def test_a_cost_in_a_currency_with_no_rate_says_so_and_saves_nothing(client, intake, manager):
    from outcomes.models import ProgramCost

    client.force_login(manager)
    response = client.post(
        reverse("outcomes:costs"),
        {"intake": intake.pk, "description": "Travel", "amount_0": "10", "amount_1": "GBP",
         "on": day(-3).isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert "No exchange rate for GBP" in response.content.decode()
    assert ProgramCost.objects.count() == 0


def test_the_costs_page_is_a_404_for_someone_managing_no_intake(client, owner):
    client.force_login(owner)
    assert client.get(reverse("outcomes:costs")).status_code == 404


def test_the_market_entry_form_labels_its_own_boxes(client, report, owner):
    client.force_login(owner)
    page = client.get(reverse("outcomes:report", args=[report.pk])).content.decode()
    assert page.count('id="id_country"') == 1
    assert 'for="id_entry_country"' in page and 'id="id_entry_country"' in page


@pytest.mark.parametrize("year", ["20245", "10000"])
def test_a_mistyped_year_on_the_figures_page_is_refused_not_a_server_error(
    client, manager, report, year
):
    client.force_login(manager)
    client.raise_request_exception = False
    response = client.get(reverse("outcomes:figures"), {"year": year})
    assert response.status_code == 200
    # Refused by the form: the figures shown are every intake's.
    assert response.context["form"].errors["year"] == [
        "Ensure this value is less than or equal to 9999."
    ]
