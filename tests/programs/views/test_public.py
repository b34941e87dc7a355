import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs import services
from programs.models import ForeignMarket, HostIncubator
from tests import factories

COUNTRIES = [
    "BR", "DE", "IN", "SA", "AE", "MX", "ID", "NG", "TR", "CN", "FR", "GB", "US", "JP", "KR",
    "AU", "NZ", "CL", "CO", "PE", "AR", "ZA", "KE", "EG", "MA", "SN", "GH", "VN", "TH", "MY",
    "SG", "PH", "IT", "ES", "PT", "NL", "BE", "SE", "NO", "DK", "FI", "PL", "CZ", "AT", "CH",
    "IE", "IL", "QA", "KW", "OM",
]  # fmt: skip


@pytest.mark.django_db
def test_market_pages_need_no_log_in(client, bic_mint):
    services.create_market(country="BR", summary="Latin America's largest economy.")
    assert client.get(reverse("programs:market_list")).status_code == 200
    response = client.get(reverse("programs:market_detail", args=["br"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Latin America&#x27;s largest economy." in html
    assert "771%" in html
    assert "11,730,026,067" in html
    assert "150,730,835" in html
    assert "OECD Data 2013; DEEP Centre analysis" in html


@pytest.mark.django_db
def test_market_outside_any_group_shows_no_figures(client):
    services.create_market(country="DE")
    html = client.get(reverse("programs:market_detail", args=["DE"])).content.decode()
    assert "771%" not in html
    assert "has not written a briefing" in html


@pytest.mark.django_db
def test_group_page_shows_the_seed_figures_and_source(client, bic_mint):
    html = client.get(reverse("programs:group_detail", args=["bic-mint"])).content.decode()
    assert "BIC/MINT" in html
    assert "115,432,289,372" in html
    assert "Source (growth and import value): OECD Data 2013" in html


@pytest.mark.django_db
def test_unknown_market_is_a_404(client):
    assert client.get(reverse("programs:market_detail", args=["ZZ"])).status_code == 404


def list_queries(client, count):
    HostIncubator.objects.all().delete()
    ForeignMarket.objects.all().delete()
    for code in COUNTRIES[:count]:
        market = services.create_market(country=code)
        factories.HostIncubatorFactory(market=market)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programs:market_list"))
    assert response.status_code == 200
    assert len(response.context["markets"]) == count
    return len(queries)


@pytest.mark.django_db
def test_market_list_runs_the_same_queries_for_2_and_50_markets(client):
    assert list_queries(client, 2) == list_queries(client, 50)


@pytest.mark.django_db
def test_market_detail_runs_a_fixed_number_of_queries(client):
    market = services.create_market(country="IN")
    factories.HostIncubatorFactory(market=market)
    url = reverse("programs:market_detail", args=["IN"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        factories.HostIncubatorFactory(market=market)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
