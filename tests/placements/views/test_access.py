"""Every placement URL, for every role of tests/rules_matrix.py: the firm's members, another
firm, the partner of this host and of another, a removed partner, reviewers, the program's
managers and another program's. Someone else's placement is a 404; a visible one the person
may not act on, a 403."""

import datetime

import pytest
from django.urls import reverse

from applications.enums import ApplicationStatus, OfferStatus
from placements import services
from tests import factories
from tests.placements.conftest import accepted_offer
from tests.rules_matrix import MANAGERS, MEMBERS, ROLES, build_world

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
    world["waiting"] = accepted_offer(intake, host)
    return world


def outcome(client, world, role, method, url, data=None):
    person = world["people"][role]
    client.logout()
    if role != "anonymous":
        client.force_login(person)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


def expected(ok_roles, forbidden_roles, ok=200):
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = "login"
        elif role in ok_roles:
            table[role] = ok
        elif role in forbidden_roles:
            table[role] = 403
        else:
            table[role] = 404
    return table


def check(client, world, method, url, table, data=None):
    got = {role: outcome(client, world, role, method, url, data) for role in ROLES}
    assert got == table


def test_the_placement_page(client, world):
    url = reverse("placements:detail", args=[world["placement"].pk])
    check(client, world, "get", url, expected(MEMBERS | PARTNER | MANAGERS, set()))


def test_logging_an_entry(client, world):
    url = reverse("placements:add_entry", args=[world["placement"].pk])
    # An incomplete form: the partner's page comes back with the error, nothing is written.
    table = expected(PARTNER, MEMBERS | MANAGERS)
    # Sent signed out: a page says nothing was saved and shows what was typed (middleware).
    table["anonymous"] = 401
    check(client, world, "post", url, table, {"kind": "x"})


def test_answering_a_check_in(client, world):
    placement = world["placement"]
    entry = placement.entries.create(
        kind="check-in", on=placement.starts_on, author=world["people"]["host_partner"]
    )
    url = reverse("placements:answer_check_in", args=[placement.pk, entry.pk])
    # An empty answer: refused with a message, a redirect back to the page.
    check(client, world, "post", url, expected(MEMBERS, PARTNER | MANAGERS, ok=302))


@pytest.mark.parametrize("name", ["arrival", "departure"])
def test_arrival_and_departure(client, world, name):
    url = reverse(f"placements:{name}", args=[world["placement"].pk])
    # No date: refused, the stay's page drawn again with the form and why.
    check(client, world, "post", url, expected(PARTNER | MANAGERS, MEMBERS, ok=200))


@pytest.mark.parametrize("name", ["cut_short", "cancel"])
def test_cut_short_and_cancel(client, world, name):
    url = reverse(f"placements:{name}", args=[world["placement"].pk])
    check(client, world, "post", url, expected(MANAGERS, MEMBERS | PARTNER, ok=200))


def test_the_history(client, world):
    url = reverse("placements:history", args=[world["placement"].pk])
    check(client, world, "get", url, expected(MANAGERS, MEMBERS | PARTNER))


def test_confirming_a_waiting_offer(client, world):
    url = reverse("placements:confirm", args=[world["waiting"].pk])
    check(client, world, "get", url, expected(PARTNER | MANAGERS, set()))


def test_an_offer_already_confirmed_leads_to_its_placement(client, world):
    url = reverse("placements:confirm", args=[world["offer"].pk])
    check(client, world, "get", url, expected(PARTNER | MANAGERS, set(), ok=302))


def test_the_partner_workspace(client, world):
    url = reverse("placements:partner_workspace")
    check(client, world, "get", url, expected(PARTNER | {"other_host_partner"}, set()))


def test_the_program_list(client, world):
    url = reverse("placements:program_list", args=[world["program"].pk])
    # The manager of another intake of the program sees that intake's placements (none).
    check(client, world, "get", url, expected(MANAGERS | {"other_intake_manager"}, set()))
