import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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
    assert (list_queries(client, 2), list_queries(client, 50)) == (3, 3)


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
    assert (len(few), len(many)) == (6, 6)


def make_intakes(count, **fields):
    hosts = factories.HostIncubatorFactory.create_batch(3)
    for _ in range(count):
        intake = factories.IntakeFactory(**fields)
        intake.markets.add(hosts[0].market)
        intake.sectors.add(factories.sector("it"))
        for host in hosts:
            factories.DeskOfferFactory(intake=intake, host=host)


def page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_intake_list_runs_the_same_queries_for_2_and_50_intakes(client):
    url = reverse("programs:intake_list")
    make_intakes(2)
    few = page_queries(client, url)
    make_intakes(48)
    assert len(client.get(url).context["open_intakes"]) == 50
    assert (few, page_queries(client, url)) == (3, 3)


@pytest.mark.django_db
def test_intake_list_shows_open_and_upcoming_intakes_only(client):
    now = timezone.now()
    factories.IntakeFactory(title="Open now")
    factories.IntakeFactory(
        title="Next spring",
        opens_at=now + datetime.timedelta(days=30),
        closes_at=now + datetime.timedelta(days=60),
    )
    factories.IntakeFactory(title="Still a draft", published_at=None)
    factories.IntakeFactory(
        title="Closed last year",
        opens_at=now - datetime.timedelta(days=400),
        closes_at=now - datetime.timedelta(days=370),
    )
    response = client.get(reverse("programs:intake_list"))
    assert [i.title for i in response.context["open_intakes"]] == ["Open now"]
    assert [i.title for i in response.context["upcoming_intakes"]] == ["Next spring"]
    assert "Still a draft" not in response.content.decode()


@pytest.mark.django_db
def test_deadline_is_shown_in_the_intakes_time_zone(client):
    closes = datetime.datetime(2030, 3, 1, 17, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata"))
    intake = factories.IntakeFactory(
        time_zone="Asia/Kolkata",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=closes,
    )
    html = client.get(reverse("programs:intake_detail", args=[intake.pk])).content.decode()
    assert "1 March 2030, 17:00 IST" in html
    # The visitor's own time is filled in by the browser from the exact moment.
    assert 'data-local-time="2030-03-01T11:30:00+00:00"' in html


@pytest.mark.django_db
def test_intake_detail_shows_terms_hosts_rules_and_rubric(client):
    intake = factories.IntakeFactory(min_employees=5)
    host = factories.HostIncubatorFactory(name="Bandra Business Incubator", city="Mumbai")
    factories.DeskOfferFactory(intake=intake, host=host, desks=3)
    factories.RubricCriterionFactory(intake=intake, name="Potential market", weight=3)
    html = client.get(reverse("programs:intake_detail", args=[intake.pk])).content.decode()
    assert "Bandra Business Incubator" in html
    assert "At least 5 employees" in html
    assert "Potential market" in html
    assert "up to CA$4,000.00 towards travel and administrative expenses" in html


@pytest.mark.django_db
def test_intake_detail_runs_a_fixed_number_of_queries(client):
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    url = reverse("programs:intake_detail", args=[intake.pk])
    few = page_queries(client, url)
    for _ in range(20):
        factories.DeskOfferFactory(intake=intake).host.sectors.add(factories.sector("it"))
        factories.RubricCriterionFactory(intake=intake)
    assert (few, page_queries(client, url)) == (9, 9)


@pytest.mark.django_db
def test_an_unpublished_intake_is_a_404_for_the_public(client):
    intake = factories.IntakeFactory(published_at=None)
    assert client.get(reverse("programs:intake_detail", args=[intake.pk])).status_code == 404


@pytest.mark.django_db
def test_host_directory_filters_by_market_and_sector(client):
    germany = services.create_market(country="DE")
    india = services.create_market(country="IN")
    berlin = factories.HostIncubatorFactory(name="Spree Campus", market=germany)
    berlin.sectors.add(factories.sector("it"))
    munich = factories.HostIncubatorFactory(name="Isar Loft", market=germany)
    munich.sectors.add(factories.sector("engineering"))
    mumbai = factories.HostIncubatorFactory(name="Bandra Incubator", market=india)
    mumbai.sectors.add(factories.sector("it"))
    factories.HostIncubatorFactory(name="Paused Hub", market=germany, partnership="paused")

    def names(**params):
        response = client.get(reverse("programs:host_list"), params)
        return [host.name for host in response.context["page"]]

    assert names() == ["Isar Loft", "Spree Campus", "Bandra Incubator"]
    assert names(market="DE") == ["Isar Loft", "Spree Campus"]
    assert names(sector="it") == ["Spree Campus", "Bandra Incubator"]
    assert names(market="DE", sector="it") == ["Spree Campus"]
    assert names(q="bandra") == ["Bandra Incubator"]


@pytest.mark.django_db
def test_host_directory_runs_the_same_queries_for_2_and_50_hosts(client):
    market = services.create_market(country="DE")
    url = reverse("programs:host_list") + "?market=DE&sector=it"

    def add_hosts(count):
        for _ in range(count):
            host = factories.HostIncubatorFactory(market=market)
            host.sectors.add(factories.sector("it"), factories.sector("finance"))

    add_hosts(2)
    few = page_queries(client, url)
    add_hosts(48)
    assert (few, page_queries(client, url)) == (4, 4)


@pytest.mark.django_db
def test_a_paused_host_has_no_public_page(client):
    host = factories.HostIncubatorFactory(partnership="paused")
    assert client.get(reverse("programs:host_detail", args=[host.pk])).status_code == 404


@pytest.mark.django_db
def test_intake_cards_show_hosts_sectors_and_when_an_upcoming_intake_opens(client):
    opens = datetime.datetime(2031, 5, 4, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    upcoming = factories.IntakeFactory(
        title="Next spring",
        summary="Firms in <b>fintech</b>.",
        time_zone="Europe/Berlin",
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
        max_stay_days=1,
    )
    upcoming.sectors.add(factories.sector("it"), factories.sector("finance"))
    host = factories.HostIncubatorFactory(name="Spree Campus", market__country="DE")
    factories.DeskOfferFactory(intake=upcoming, host=host)
    factories.IntakeFactory(title="Open now")

    html = client.get(reverse("programs:intake_list")).content.decode()

    assert "Opens</dt><dd>" in html
    assert "4 May 2031, 09:00 CEST" in html
    assert 'data-local-time="2031-05-04T07:00:00+00:00"' in html
    assert "Firms in &lt;b&gt;fintech&lt;/b&gt;." in html
    assert "Spree Campus (Germany)" in html
    assert "Sectors: Finance, Information technology" in html  # in the sectors' order
    assert "up to 1 day" in html and "up to CA$4,000.00" in html
    assert "Hosts: to be announced" in html  # the open intake has no desks yet

    french = client.get(reverse("programs:intake_list"), HTTP_ACCEPT_LANGUAGE="fr")
    html = french.content.decode()
    assert "Spree Campus (Allemagne)" in html
    assert "Technologies de l’information" in html
    assert "jusqu’à 1 jour" in html


@pytest.mark.django_db
def test_host_cards_show_desks_sectors_and_services_in_the_visitors_language(client):
    host = factories.HostIncubatorFactory(
        name="Spree <Campus>",
        market=services.create_market(country="DE"),
        desk_capacity=1,
        services=["mentorship", "no-longer-offered"],
    )
    host.sectors.add(factories.sector("it"))
    factories.HostIncubatorFactory(market=host.market)  # no sectors, no services

    html = client.get(reverse("programs:host_list")).content.decode()
    assert "Spree &lt;Campus&gt;" in html
    assert "Berlin, Germany · 1 desk" in html
    assert "<p>Information technology</p>" in html
    assert '<p class="muted">Mentorship</p>' in html
    assert html.count('<p class="muted">Mentorship</p>') == 1  # the other host offers none

    html = client.get(reverse("programs:host_list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Berlin, Allemagne · 1 poste de travail" in html
    assert "<p>Technologies de l’information</p>" in html
    assert '<option value="DE">Allemagne</option>' in html


@pytest.mark.django_db
def test_a_paused_host_is_named_but_not_linked_nor_counted_on_the_public_pages(client):
    """Its own page is a 404 while the partnership is paused: the intake's page linked to it,
    the market list counted it and the directory offered its market (listing nothing)."""
    from programs.enums import PartnershipStatus

    market = factories.ForeignMarketFactory(country="SA")
    offer = factories.DeskOfferFactory(
        host__market=market, host__partnership=PartnershipStatus.PAUSED, host__name="Quiet Hub"
    )
    link = reverse("programs:host_detail", args=[offer.host.pk])
    assert client.get(link).status_code == 404
    intake_page = client.get(reverse("programs:intake_detail", args=[offer.intake.pk]))
    assert "Quiet Hub" in intake_page.content.decode()
    assert f'href="{link}"' not in intake_page.content.decode()
    markets = client.get(reverse("programs:market_list")).context["markets"]
    assert [m.host_count for m in markets if m.country.code == "SA"] == [0]
    assert 'value="SA"' not in client.get(reverse("programs:host_list")).content.decode()
