"""The manager's placements board and its CSV: who may read them, what they draw, and a
fixed number of queries whatever the number of placements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from applications.enums import ApplicationStatus, OfferStatus
from placements import board, services
from placements.enums import ChangeKind, ChangeStatus, PlacementStatus
from placements.models import ChangeRequest, Placement, PlacementEvent
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed
from tests.placements.views.test_access import check, expected
from tests.rules_matrix import MANAGERS, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world(status=ApplicationStatus.ACCEPTED)
    intake, host = world["intake"], world["host"]
    factories.DeskOfferFactory(intake=intake, host=host, desks=3)
    offer = world["offer"]
    offer.status = OfferStatus.ACCEPTED
    offer.save()
    start = intake.placement_starts_on
    world["placement"] = services.confirm_placement(
        offer,
        by=world["people"]["host_partner"],
        desk="A1",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=30),
    )
    return world


@pytest.mark.parametrize("name", ["placements:board", "placements:board_csv"])
def test_only_the_intakes_managers_read_the_board_and_its_csv(client, world, name):
    url = reverse(name, args=[world["intake"].pk])
    # Everyone else, the manager of another intake of the program included: a 404.
    check(client, world, "get", url, expected(MANAGERS, set()))


def test_the_board_draws_each_firm_as_a_bar_free_desks_and_today(
    client, intake, host, partner, manager, company, offer
):
    placement = placed(offer, partner, start=-10, end=39, desk="A1")
    client.force_login(manager)

    response = client.get(reverse("placements:board", args=[intake.pk]))

    html = response.content.decode()
    # The window starts 30 days ago: the bar begins on day 20, 50 days long, 6 units a day,
    # on the first desk's lane (below the 22 units of the month axis, 26 high).
    link = reverse("placements:detail", args=[placement.pk])
    # The bar is a link named by its title: firm, dates in words, status and desk, its
    # tooltip and what a screen reader reads (the chart is a group, not an image).
    said = f"Maple Analytics · {date_format(day(-10))} – {date_format(day(39))} · Scheduled · A1"
    assert (
        '<svg class="board__row" y="22" height="26"><rect class="board__lane" x="0" '
        f'width="100%" height="100%"/>\n<a href="{link}"><title>{said}</title>'
        '<svg class="board__bar-box" x="120" width="300">'
    ) in html
    assert '<rect class="board__bar board__bar--scheduled"' in html
    assert (
        '<text class="board__bar-label" x="4" y="17" aria-hidden="true">Maple Analytics</text>'
    ) in html
    assert 'viewBox="0 0 1086 52" role="none"><use href="#board-axis"' in html
    assert 'role="img"' not in html
    # The month axis is drawn once and used by each host's chart.
    assert html.count('id="board-axis"') == 1
    assert html.count('<use href="#board-axis" aria-hidden="true"/>') == 1
    # Today: day 30 of the window, a line in the middle of its day.
    assert '<line class="board__today" x1="183" x2="183"' in html
    assert "1 desk, 0 free today" in html
    # 181 days in the window.
    assert 'width="1086"' in html
    assert "style=" not in html.split('id="main"')[-1]


def test_the_board_shows_a_host_with_no_firm_as_free_desks(client, intake, host, manager):
    factories.DeskOfferFactory(intake=intake, host__name="Lagos Works", desks=2)
    client.force_login(manager)

    html = client.get(reverse("placements:board", args=[intake.pk])).content.decode()

    assert html.count('<rect class="board__lane" x="0"') == 3
    assert "2 desks, 2 free today" in html
    assert html.count("No firm placed at this host yet.") == 2


def test_the_csv_lists_every_placement_cancelled_ones_too(
    client, intake, host, partner, manager, company, offer
):
    host.desk_capacity = 4
    host.save()
    intake.desk_offers.filter(host=host).update(desks=2)
    placed(offer, partner, start=-10, end=39, desk="=A1")
    other = accepted_offer(intake, host, factories.CompanyFactory(name="Nordic Wind"))
    services.cancel_placement(
        placed(other, partner, start=5, end=20), by=manager, reason="visa-refused"
    )
    client.force_login(manager)

    response = client.get(reverse("placements:board_csv", args=[intake.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="intake-{intake.pk}-placement-board.csv"'
    )
    assert b"".join(response.streaming_content).decode().splitlines() == [
        "Host,Desk,Company,Start,End,Status,Status code",
        f"Berlin Hub,'=A1,Maple Analytics,{day(-10)},{day(39)},Scheduled,scheduled",
        f"Berlin Hub,,Nordic Wind,{day(5)},{day(20)},Cancelled,cancelled",
    ]


def add_placements(intake, host, partner, count):
    """``count`` placements straight in the table (the capacity check is not what is tested)."""
    for index in range(count):
        offer = accepted_offer(intake, host)
        start = day(-30 + index % 120)
        placement = Placement.objects.create(
            offer=offer,
            company=offer.application.company,
            intake=intake,
            host=host,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=20),
            desk_until=start + datetime.timedelta(days=20),
            confirmed_by=partner,
            status=PlacementStatus.SCHEDULED,
        )
        PlacementEvent.objects.create(
            placement=placement, actor=partner, to_status=PlacementStatus.SCHEDULED
        )


def board_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_the_board_runs_the_same_queries_for_3_and_300_placements_and_1_and_12_hosts(
    client, intake, host, partner, manager
):
    client.force_login(manager)
    url = reverse("placements:board", args=[intake.pk])
    add_placements(intake, host, partner, 3)
    few, _response = board_queries(client, url)
    add_placements(intake, host, partner, 297)
    many, response = board_queries(client, url)
    assert len(response.context["boards"][0]["bars"]) == 300
    for index in range(11):
        other = factories.DeskOfferFactory(intake=intake, host__name=f"Host {index:02}").host
        add_placements(intake, other, partner, 3)
    hosts, response = board_queries(client, url)
    # The user, their roles, the intake, its hosts, the page's placements, the changes waiting.
    assert hosts == many == few == 6
    # Berlin Hub and Host 00 to 03: five hosts drawn of twelve.
    assert [len(host["bars"]) for host in response.context["boards"]] == [300, 3, 3, 3, 3]


def test_the_csv_runs_the_same_queries_for_3_and_300_placements(
    client, intake, host, partner, manager
):
    client.force_login(manager)
    url = reverse("placements:board_csv", args=[intake.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            lines = b"".join(client.get(url).streaming_content).decode().splitlines()
        return len(queries), len(lines)

    add_placements(intake, host, partner, 3)
    few, lines = count()
    assert lines == 4
    add_placements(intake, host, partner, 297)
    assert count() == (few, 301)


def test_a_stay_asked_to_change_often_is_one_bar_and_its_waiting_request_one_item(
    client, intake, host, partner, manager, owner, offer
):
    placement = placed(offer, partner, start=-10, end=39, desk="A1")
    for status in (ChangeStatus.APPROVED, ChangeStatus.REFUSED, ChangeStatus.WITHDRAWN, None):
        change = ChangeRequest.objects.create(
            placement=placement,
            kind=ChangeKind.CUT_SHORT,
            ends_on=day(20),
            reason="Asked again.",
            requested_by=owner,
            status=status or ChangeStatus.PENDING,
        )
    client.force_login(manager)

    response = client.get(reverse("placements:board", args=[intake.pk]))
    csv = client.get(reverse("placements:board_csv", args=[intake.pk]))

    (board,) = response.context["boards"]
    assert [(bar["pk"], bar["pending"]) for bar in board["bars"]] == [(placement.pk, True)]
    assert [item["pk"] for item in response.context["pending"]] == [change.pk]
    assert len(b"".join(csv.streaming_content).decode().splitlines()) == 2


def test_the_board_pages_its_hosts_and_lists_every_change_waiting_oldest_first(
    client, intake, host, partner, manager, owner
):
    # Berlin Hub and six more hosts: seven, on two pages of five, by name.
    names = [f"Host {letter}" for letter in "ABCDEFG"[: board.HOSTS_PER_PAGE + 1]]
    hosts = [factories.DeskOfferFactory(intake=intake, host__name=name).host for name in names]
    first = placed(accepted_offer(intake, host, factories.CompanyFactory(name="Maple")), partner)
    last = Placement.objects.create(
        offer=(offer := accepted_offer(intake, hosts[-1], factories.CompanyFactory(name="Fjord"))),
        company=offer.application.company,
        intake=intake,
        host=hosts[-1],
        starts_on=day(1),
        ends_on=day(20),
        desk_until=day(20),
        confirmed_by=partner,
        status=PlacementStatus.SCHEDULED,
    )
    asked = [
        ChangeRequest.objects.create(
            placement=placement, kind=ChangeKind.CUT_SHORT, ends_on=day(10),
            reason="Asked.", requested_by=owner, status=ChangeStatus.PENDING,
        )
        for placement in (last, first)
    ]  # fmt: skip
    # Maple's request, the later created (its id the higher), is the older.
    ChangeRequest.objects.filter(pk=asked[1].pk).update(
        created_at=asked[0].created_at - datetime.timedelta(hours=1)
    )
    client.force_login(manager)
    url = reverse("placements:board", args=[intake.pk])

    one = client.get(url)
    two = client.get(f"{url}?page=2")

    # By name: page 1 holds Berlin Hub and Host A to D, page 2 Host E and F.
    def shown(response):
        return [
            (host["name"], [bar["company"] for bar in host["bars"]])
            for host in response.context["boards"]
        ]

    assert shown(one) == [("Berlin Hub", ["Maple"])] + [(name, []) for name in names[:4]]
    assert shown(two) == [("Host E", []), ("Host F", ["Fjord"])]
    # Whatever the page, every change waiting is listed, oldest first, and its bar says so.
    # Each item links to its host's chart, on the page that draws it.
    for response in (one, two):
        assert [(c["pk"], c["page"]) for c in response.context["pending"]] == [
            (asked[1].pk, 1),
            (asked[0].pk, 2),
        ]
        html = response.content.decode()
        assert f'<a href="?page=2#board-host-{hosts[-1].pk}">Host F</a>' in html
        assert f'<a href="?page=1#board-host-{host.pk}">Berlin Hub</a>' in html
    assert [bar["pending"] for bar in one.context["boards"][0]["bars"]] == [True]
    assert [bar["pending"] for bar in two.context["boards"][1]["bars"]] == [True]
    html = two.content.decode()
    assert "Hosts 6 to 7 of 7" in html
    assert '<a href="?page=1">Previous</a>' in html
    # A page past the last, or not a number, shows the last or the first.
    assert shown(client.get(f"{url}?page=99")) == shown(two)
    assert shown(client.get(f"{url}?page=x")) == shown(one)
