"""The program managers' outcome endpoints: reports and opportunities of their intakes
(read) and the program's figures, the same numbers as outcomes.figures; another program's
manager, a partner or a firm sees none."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money
from rest_framework.test import APIClient

from outcomes import figures
from outcomes.enums import Basis, Dimension
from outcomes.figures import Scope
from outcomes.models import Opportunity, OutcomeReport
from placements.models import Placement
from portal import tokens
from programs.enums import StaffRole
from programs.models import Intake
from tests import factories
from tests.outcomes.test_figures import opportunity, program
from tests.placements.test_api import many_placements

pytestmark = pytest.mark.django_db
__all__ = ["program"]


def client_for(user, scope):
    _token, text = tokens.create_api_token(
        user,
        name="Program tools",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        can_write=False,
        scope=scope,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def signed_in(user):
    client = APIClient()
    client.force_login(user)
    return client


def figures_json(found):
    return {
        "companies": found.companies,
        "markets": found.markets,
        "opportunities": found.opportunities,
        "value_identified": str(found.value_identified),
        "deals_won": found.deals_won,
        "value_won": str(found.value_won),
        "jobs": found.jobs,
        "investment": str(found.investment),
        "cost": str(found.cost),
        "roi": None if found.roi is None else str(found.roi),
    }


def test_the_figures_are_those_of_the_figures_page(program, manager):
    body = client_for(manager, {"program": "all"}).get("/api/v1/figures/").json()
    assert body["verified"] == {
        "companies": 2,
        "markets": 2,
        "opportunities": 3,
        "value_identified": "3500.00",
        "deals_won": 1,
        "value_won": "2000.00",
        "jobs": 2,
        "investment": "500.00",
        "cost": "1500.00",
        "roi": "2.3",
    }
    assert body["reported"] == figures_json(figures.headline(Scope(Intake.objects.all()),
                                                             Basis.REPORTED))  # fmt: skip
    assert (body["reported"]["value_identified"], body["reported"]["jobs"]) == ("6700.00", 3)
    assert (body["basis"], body["by"], body["rows"]) == ("verified", None, [])


def test_the_figures_by_market_host_and_year(program, manager):
    client = client_for(manager, {"program": "all"})
    rows = client.get("/api/v1/figures/?by=market").json()["rows"]
    assert [(row["group"], row["label"], row["figures"]["cost"]) for row in rows] == [
        ("BR", "Brazil", "750.00"),
        ("DE", "Germany", "750.00"),
    ]
    assert rows[1]["figures"] == {
        "companies": 1,
        "markets": 1,
        "opportunities": 2,
        "value_identified": "3500.00",
        "deals_won": 1,
        "value_won": "2000.00",
        "jobs": 2,
        "investment": "500.00",
        "cost": "750.00",
        "roi": "4.7",
    }
    for by in Dimension:
        for basis in Basis:
            expected = figures.breakdown(Scope(Intake.objects.all()), by, basis)
            found = client.get(f"/api/v1/figures/?by={by}&basis={basis}").json()["rows"]
            assert [(row["label"], row["figures"]) for row in found] == [
                (row.label, figures_json(row.figures)) for row in expected
            ]
    hosts = client.get("/api/v1/figures/?by=host&basis=reported").json()["rows"]
    assert [(row["label"], row["figures"]["opportunities"]) for row in hosts] == [
        ("Berlin Hub", 2),
        ("São Paulo Hub", 2),
    ]
    narrowed = client.get("/api/v1/figures/?market=de").json()["verified"]
    assert (narrowed["companies"], narrowed["value_identified"], narrowed["cost"]) == (
        1,
        "3500.00",
        "750.00",
    )
    response = client.get("/api/v1/figures/?by=galaxy")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_the_figures_of_another_program_are_a_404(program, partner):
    staff = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    response = client_for(staff.user, {"program": "all"}).get("/api/v1/figures/")
    # They manage no intake yet: as the page, a 404.
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    factories.IntakeFactory(program=staff.program)
    body = client_for(staff.user, {"program": "all"}).get("/api/v1/figures/").json()
    # An intake of their own, with nothing in it: none of the other program's numbers.
    assert (body["verified"]["companies"], body["verified"]["cost"]) == (0, "0.00")
    response = client_for(partner, {"host": "all"}).get("/api/v1/figures/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_manager_reads_the_reports_and_opportunities(program, manager, intake):
    client = client_for(manager, {"intake": [intake.pk]})
    reports = client.get("/api/v1/outcome-reports/").json()
    assert reports["count"] == 8
    verified = [row for row in reports["results"] if row["status"] == "verified"]
    assert sorted((row["company"], row["kind"], row["investment"]) for row in verified) == [
        ("Cedar", "end-of-stay", None),
        ("Maple", "end-of-stay", "500.00"),
    ]
    report = OutcomeReport.objects.get(placement__company=program["maple"], kind="3-months")
    one = client.get(f"/api/v1/outcome-reports/{report.pk}/").json()
    assert (one["id"], one["status"], one["employees_home"], one["host_name"]) == (
        report.pk,
        "submitted",
        13,
        "Berlin Hub",
    )
    found = client.get("/api/v1/opportunities/?stage=won").json()["results"]
    assert sorted((row["organisation"], row["value"], row["currency"]) for row in found) == [
        ("O1", "2000.00", "EUR"),
        ("O2", "2000.00", "CAD"),
    ]
    assert client.get("/api/v1/opportunities/").json()["count"] == 5
    o4 = Opportunity.objects.get(organisation="O4")
    body = client.get(f"/api/v1/opportunities/{o4.pk}/").json()
    assert (body["value"], body["currency"], body["value_unverified"]) == ("4000.00", "BRL", True)


def test_others_get_404_and_empty_lists(program, partner):
    report = OutcomeReport.objects.filter(placement__company=program["maple"]).first()
    o1 = Opportunity.objects.get(organisation="O1")
    owner = program["maple"].members.first().user
    stranger = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    for client in [
        client_for(stranger, {"program": "all"}),
        client_for(partner, {"host": "all"}),
        signed_in(owner),
    ]:
        assert client.get("/api/v1/outcome-reports/").json()["count"] == 0
        assert client.get("/api/v1/opportunities/").json()["count"] == 0
        response = client.get(f"/api/v1/outcome-reports/{report.pk}/")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        assert client.get(f"/api/v1/opportunities/{o1.pk}/").status_code == 404


def many_reports(report, count):
    """``count`` more placements like the report's, each with a report like it."""
    placement = report.placement
    known = set(Placement.objects.values_list("pk", flat=True))
    many_placements(placement, count)
    made = []
    for new in Placement.objects.exclude(pk__in=known):
        copy = OutcomeReport.objects.get(pk=report.pk)
        copy.pk = copy.id = None
        copy._state.adding = True
        copy.placement = new
        made.append(copy)
    OutcomeReport.objects.bulk_create(made)


def many_opportunities(found, count):
    made = []
    for index in range(count):
        copy = Opportunity.objects.get(pk=found.pk)
        copy.pk = copy.id = None
        copy._state.adding = True
        copy.organisation = f"Buyer {index}"
        made.append(copy)
    Opportunity.objects.bulk_create(made)


def page_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{path}?page_size=200")
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_the_report_list_runs_the_same_queries_for_3_and_300(reports, manager):
    client = client_for(manager, {"program": "all"})
    assert page_queries(client, "/api/v1/outcome-reports/")[1] == len(reports)
    OutcomeReport.objects.exclude(pk=reports["end-of-stay"].pk).delete()
    many_reports(reports["end-of-stay"], 2)
    assert page_queries(client, "/api/v1/outcome-reports/") == (LIST_QUERIES, 3)
    many_reports(reports["end-of-stay"], 297)
    assert page_queries(client, "/api/v1/outcome-reports/") == (LIST_QUERIES, 300)


def test_the_opportunity_list_runs_the_same_queries_for_3_and_300(report, manager, owner):
    first = opportunity(report, owner, "Buyer", Money(100, "CAD"))
    client = client_for(manager, {"program": "all"})
    many_opportunities(first, 2)
    assert page_queries(client, "/api/v1/opportunities/") == (LIST_QUERIES, 3)
    many_opportunities(first, 297)
    assert page_queries(client, "/api/v1/opportunities/") == (LIST_QUERIES, 300)


# The request's savepoint and its release, the token (find, record its use), the manager's
# roles (programs.rules.staff_rows), the count, the
# page of rows with what they show.
LIST_QUERIES = 7
