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


def test_only_the_firms_members_answer_its_check_ins(world):
    assert permitted(world["people"], "placements.answer_placement", world["placement"]) == only(
        MEMBERS
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


def test_navigation_and_dashboard_agree_on_placements_for_every_role(world, rf):
    from portal.dashboard import nav_sections_for, sections_for
    from tests.rules_matrix import ROLES

    seen = {}
    for role in ROLES:
        if role == "anonymous":
            continue
        nav_request, dashboard_request = rf.get("/"), rf.get("/")
        nav_request.user = dashboard_request.user = world["people"][role]
        nav = [s.key for s in nav_sections_for(nav_request) if s.key.startswith("placements")]
        loaded = [s.key for s in sections_for(dashboard_request) if s.key.startswith("placements")]
        assert nav == loaded, role
        seen[role] = loaded
    # From roles: every firm member, manager and host partner has the sections (saying when
    # nothing is waiting yet), whether or not one of their firms or hosts has a placement.
    assert {role for role, keys in seen.items() if keys} == {
        "company_owner", "company_staff", "program_manager",
        "intake_manager", "other_program_manager", "other_intake_manager", "host_partner",
        "other_host_partner", "superuser",
    }  # fmt: skip
