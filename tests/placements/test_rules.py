"""Every placement permission over every role of tests/rules_matrix.py."""

import datetime

import pytest

from applications.enums import ApplicationStatus, OfferStatus
from placements import services
from tests import factories
from tests.rules_matrix import MANAGERS, MEMBERS, build_world, only, permitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world(status=ApplicationStatus.ACCEPTED)
    intake, host, offer = world["intake"], world["host"], world["offer"]
    factories.DeskOfferFactory(intake=intake, host=host, desks=1)
    offer.status = OfferStatus.ACCEPTED
    offer.save()
    world["placement"] = services.confirm_placement(
        offer,
        by=world["people"]["host_partner"],
        desk="",
        starts_on=intake.placement_starts_on,
        ends_on=intake.placement_starts_on + datetime.timedelta(days=10),
    )
    return world


def test_who_sees_a_placement(world):
    assert permitted(world["people"], "placements.view_placement", world["placement"]) == only(
        MEMBERS | MANAGERS | {"host_partner"}
    )


def test_only_the_hosts_partner_logs(world):
    assert permitted(world["people"], "placements.log_placement", world["placement"]) == only(
        {"host_partner"}
    )


def test_arrival_and_departure_are_the_partners_and_the_managers(world):
    assert permitted(world["people"], "placements.record_placement", world["placement"]) == only(
        MANAGERS | {"host_partner"}
    )


def test_managing_is_the_intakes_managers(world):
    assert permitted(world["people"], "placements.manage_placement", world["placement"]) == only(
        MANAGERS
    )


def test_who_confirms_an_accepted_offer(world):
    assert permitted(world["people"], "placements.confirm_offer", world["offer"]) == only(
        MANAGERS | {"host_partner"}
    )
