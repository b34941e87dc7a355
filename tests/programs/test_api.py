"""The public API: open and upcoming intakes, hosts, markets with their briefings and their
groups' service-import figures. No token needed; fixed queries at 3 and 300 rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_countries import countries
from rest_framework.test import APIClient

from programs.enums import PartnershipStatus
from programs.models import ForeignMarket, HostIncubator, Intake
from tests import factories

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def queries_for(path):
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(path)
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def clones(obj, count, **changes):
    made = []
    for index in range(count):
        copy = type(obj).objects.get(pk=obj.pk)
        copy.pk = copy.id = None
        copy._state.adding = True
        for name, value in changes.items():
            setattr(copy, name, value(index))
        made.append(copy)
    return type(obj).objects.bulk_create(made)


def test_intakes_are_the_open_and_upcoming_published_ones():
    open_now = factories.IntakeFactory(title="Spring cohort", program__slug="slp")
    upcoming = factories.IntakeFactory(
        title="Autumn cohort",
        opens_at=NOW + datetime.timedelta(days=10),
        closes_at=NOW + datetime.timedelta(days=40),
    )
    factories.IntakeFactory(title="Closed", closes_at=NOW - datetime.timedelta(days=1))
    factories.IntakeFactory(title="Draft", published_at=None)
    offer = factories.DeskOfferFactory(intake=open_now, host__name="Berlin Hub", desks=3)
    body = APIClient().get("/api/v1/intakes/").json()
    assert [row["title"] for row in body["results"]] == ["Spring cohort", "Autumn cohort"]
    first = body["results"][0]
    assert first["desk_offers"] == [
        {
            "host": offer.host_id,
            "host_name": "Berlin Hub",
            "market": offer.host.market.country.code,
            "desks": 3,
        }
    ]
    assert first["program_slug"] == "slp"
    filtered = APIClient().get("/api/v1/intakes/?program=slp").json()
    assert [row["id"] for row in filtered["results"]] == [open_now.pk]
    assert APIClient().get(f"/api/v1/intakes/{upcoming.pk}/").json()["title"] == "Autumn cohort"


def test_intakes_run_the_same_queries_for_3_and_300():
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    clones(intake, 2, title=lambda i: f"Intake copy {i}")
    assert queries_for("/api/v1/intakes/?page_size=200") == (INTAKE_QUERIES, 3)
    clones(intake, 297, title=lambda i: f"Intake more {i}")
    assert queries_for("/api/v1/intakes/?page_size=200") == (INTAKE_QUERIES, 300)


# Savepoint, count, page, desk offers with hosts and markets, sectors, release.
INTAKE_QUERIES = 6


def test_hosts_are_the_active_partners_filtered_by_market_sector_and_name():
    berlin = factories.HostIncubatorFactory(
        name="Berlin Hub", market__country="DE", services=["desk-space"]
    )
    berlin.sectors.add(factories.sector("engineering"))
    factories.HostIncubatorFactory(name="Sao Paulo Hub", market__country="BR", city="Sao Paulo")
    factories.HostIncubatorFactory(name="Gone", partnership=PartnershipStatus.PAUSED)
    client = APIClient()
    assert [row["name"] for row in client.get("/api/v1/hosts/").json()["results"]] == [
        "Sao Paulo Hub",
        "Berlin Hub",
    ]
    assert client.get("/api/v1/hosts/?market=de").json()["results"] == [
        {
            "id": berlin.pk,
            "name": "Berlin Hub",
            "city": "Berlin",
            "market": "DE",
            "website": "",
            "description": "",
            "sectors": ["engineering"],
            "services": ["desk-space"],
            "desk_capacity": 4,
        }
    ]
    assert client.get("/api/v1/hosts/?sector=engineering").json()["count"] == 1
    assert client.get("/api/v1/hosts/?q=paulo").json()["results"][0]["name"] == "Sao Paulo Hub"
    bad = client.get("/api/v1/hosts/?sector=astrology")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    assert list(bad.json()["fields"]) == ["sector"]


def test_hosts_run_the_same_queries_for_3_and_300():
    host = factories.HostIncubatorFactory()
    host.sectors.add(factories.sector("engineering"))
    clones(host, 2, name=lambda i: f"Hub {i}")
    assert queries_for("/api/v1/hosts/?page_size=200") == (HOST_QUERIES, 3)
    clones(host, 297, name=lambda i: f"Hub more {i}")
    assert queries_for("/api/v1/hosts/?page_size=200") == (HOST_QUERIES, 300)


# Savepoint, count, page with markets, sectors, release.
HOST_QUERIES = 5


def test_markets_carry_their_briefing_and_their_groups_figures(bic_mint):
    market = factories.ForeignMarketFactory(country="BR", regulation="ANVISA for devices.")
    market.groups.add(bic_mint)
    body = APIClient().get("/api/v1/markets/br/").json()
    assert (body["country"], body["name"], body["regulation"]) == (
        "BR",
        "Brazil",
        "ANVISA for devices.",
    )
    [group] = body["groups"]
    assert group["slug"] == "bic-mint"
    expected = list(
        bic_mint.import_figures.order_by("position", "pk").values_list("category", "period")
    )
    assert [(row["category"], row["period"]) for row in group["import_figures"]] == expected
    assert len(expected) > 0


def test_markets_run_the_same_queries_for_3_and_240(bic_mint):
    codes = [code for code, _name in countries][:240]
    ForeignMarket.objects.bulk_create([ForeignMarket(country=code) for code in codes[:3]])
    for market in ForeignMarket.objects.all():
        market.groups.add(bic_mint)
    assert queries_for("/api/v1/markets/?page_size=200") == (MARKET_QUERIES, 3)
    ForeignMarket.objects.bulk_create([ForeignMarket(country=code) for code in codes[3:]])
    assert queries_for("/api/v1/markets/?page_size=200") == (MARKET_QUERIES, 240)


# Savepoint, count, page, groups, their figures, release.
MARKET_QUERIES = 6


def test_an_unknown_market_or_intake_is_a_404_in_the_error_shape():
    response = APIClient().get("/api/v1/markets/zz/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "fields": {}}
    assert APIClient().get("/api/v1/intakes/999/").status_code == 404


def test_public_endpoints_refuse_writes():
    response = APIClient().post("/api/v1/hosts/", {}, format="json")
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert HostIncubator.objects.count() == 0
    assert Intake.objects.count() == 0
