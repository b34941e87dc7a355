"""Change request pages for every role, and the firm's request approved through the pages."""

import datetime

import pytest
from django.urls import reverse

from applications.enums import ApplicationStatus, OfferStatus
from placements import changes, services
from placements.enums import ChangeKind, ChangeStatus
from placements.models import ChangeRequest
from tests import factories
from tests.placements.conftest import day, placed
from tests.placements.views.test_access import check, expected
from tests.rules_matrix import MANAGERS, MEMBERS, build_world

pytestmark = pytest.mark.django_db

PARTNER = {"host_partner"}


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
    world["change"] = changes.request_change(
        world["placement"],
        by=world["people"]["company_owner"],
        kind=ChangeKind.MOVE_DATES,
        starts_on=start + datetime.timedelta(days=1),
        ends_on=start + datetime.timedelta(days=31),
        reason="Flights moved.",
    )
    return world


def test_asking_for_a_change(client, world):
    url = reverse("placements:ask_change", args=[world["placement"].pk])
    check(client, world, "get", url, expected(MEMBERS | PARTNER, MANAGERS))


def test_reading_a_change(client, world):
    url = reverse("placements:change_detail", args=[world["change"].pk])
    check(client, world, "get", url, expected(MEMBERS | PARTNER | MANAGERS, set()))


# An empty refusal has no reason: the page is drawn again with the form and why (a 400).
@pytest.mark.parametrize("name, ok", [("approve_change", 302), ("refuse_change", 400)])
def test_answering_a_change(client, world, name, ok):
    url = reverse(f"placements:{name}", args=[world["change"].pk])
    check(client, world, "post", url, expected(MANAGERS, MEMBERS | PARTNER, ok=ok))


def test_withdrawing_a_change(client, world):
    url = reverse("placements:withdraw_change", args=[world["change"].pk])
    # Only the person who asked; the others who see it may not.
    check(
        client,
        world,
        "post",
        url,
        expected({"company_owner"}, {"company_staff"} | PARTNER | MANAGERS, ok=302),
    )
    assert ChangeRequest.objects.get().status == ChangeStatus.WITHDRAWN


def test_the_firm_asks_and_the_manager_approves_through_the_pages(
    client, intake, host, partner, manager, owner, offer
):
    placement = placed(offer, partner, start=10, end=40)
    client.force_login(owner)
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    ask = reverse("placements:ask_change", args=[placement.pk])
    assert f'<a class="button button--secondary" href="{ask}">' in page

    response = client.post(
        ask,
        {
            "kind": "move-dates",
            "starts_on": day(12).isoformat(),
            "ends_on": day(45).isoformat(),
            "reason": "Our engineer joins later.",
        },
    )
    change = ChangeRequest.objects.get()
    assert response["Location"] == reverse("placements:change_detail", args=[change.pk])
    # A second request waits for the first: no button.
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert ask not in page

    client.force_login(manager)
    board = client.get(reverse("placements:board", args=[intake.pk])).content.decode()
    assert reverse("placements:change_detail", args=[change.pk]) in board
    # Its bar on the chart is marked, and says so to whoever hovers or reads it aloud.
    assert board.count("board__bar--pending") == 2  # the bar, and the legend's sample
    assert "a change waits for your answer</title>" in board
    client.post(reverse("placements:approve_change", args=[change.pk]), {"note": ""})
    board = client.get(reverse("placements:board", args=[intake.pk])).content.decode()
    assert board.count("board__bar--pending") == 1  # the legend's only

    placement.refresh_from_db()
    assert (placement.starts_on, placement.ends_on) == (day(12), day(45))
    page = client.get(reverse("placements:change_detail", args=[change.pk])).content.decode()
    assert '<span class="badge" id="change-status">Approved</span>' in page


def test_a_refused_request_keeps_the_form_and_says_why(client, partner, owner, offer):
    placement = placed(offer, partner, start=10, end=40)
    client.force_login(owner)

    response = client.post(
        reverse("placements:ask_change", args=[placement.pk]),
        {"kind": "cut-short", "ends_on": "2020-01-01", "reason": "x"},
    )

    assert response.status_code == 400
    assert "A placement that is scheduled cannot be changed this way." in (
        response.content.decode()
    )
    assert ChangeRequest.objects.count() == 0
