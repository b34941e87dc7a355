import pytest

from programs import services
from programs.enums import StaffRole
from tests import factories
from tests.rules_matrix import ROLES, build_world

# permission, object key, roles allowed; every other role is refused.
EXPECTED = [
    ("programs.view_program", "program", {"program_manager", "program_reviewer", "superuser"}),
    ("programs.change_program", "program", {"program_manager", "superuser"}),
    ("programs.manage_program", "program", {"program_manager", "superuser"}),
    ("programs.add_program", None, {"superuser"}),
    ("programs.delete_program", "program", {"superuser"}),
    ("programs.act_for_hostincubator", "host", {"host_partner", "superuser"}),
    (
        "programs.change_hostincubator",
        "host",
        {"program_manager", "other_program_manager", "superuser"},
    ),
    (
        "programs.add_foreignmarket",
        None,
        {"program_manager", "other_program_manager", "superuser"},
    ),
    ("programs.delete_hostincubator", "host", {"superuser"}),
    ("programs.view_intake", "intake", {"program_manager", "program_reviewer", "superuser"}),
    ("programs.change_intake", "intake", {"program_manager", "superuser"}),
    ("programs.add_intake", "program", {"program_manager", "superuser"}),
    ("programs.delete_intake", "intake", {"superuser"}),
]


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize(("permission", "target", "allowed"), EXPECTED)
@pytest.mark.parametrize("role", ROLES)
def test_program_permissions_follow_each_role(world, permission, target, allowed, role):
    person = world["people"][role]
    obj = world[target] if target else None
    assert person.has_perm(permission, obj) is (role in allowed)


def test_view_of_a_host_is_public(world):
    assert world["people"]["anonymous"].has_perm("programs.view_hostincubator", world["host"])


def test_inactive_superuser_has_no_rights(world):
    boss = world["people"]["superuser"]
    boss.is_active = False
    assert boss.has_perm("programs.manage_program", world["program"]) is False


def test_a_published_intake_is_public(world):
    intake = world["intake"]
    intake.published_at = intake.opens_at
    intake.save()
    assert world["people"]["anonymous"].has_perm("programs.view_intake", intake)
    assert not world["people"]["anonymous"].has_perm("programs.change_intake", intake)


def test_an_intake_scoped_manager_manages_that_intake_only(world):
    from programs import services
    from programs.enums import StaffRole
    from tests import factories

    intake = world["intake"]
    other = factories.IntakeFactory(program=intake.program)
    lead = factories.UserFactory()
    services.grant_program_role(intake.program, intake=intake, user=lead, role=StaffRole.MANAGER)
    assert lead.has_perm("programs.change_intake", intake)
    assert not lead.has_perm("programs.change_intake", other)
    assert not lead.has_perm("programs.manage_program", intake.program)
    assert lead.has_perm("programs.view_program", intake.program)


# The shared catalogue: a host or market that another program relies on is the director's.
def programs_of(world):
    other_manager = world["people"]["other_program_manager"]
    return {"program": world["program"], "other_program": other_manager.program_roles.get().program}


SHARED_CATALOGUE = [
    # (intakes offering desks at the host / focused on the market, who may change it)
    ((), {"program_manager", "other_program_manager", "superuser"}),
    (("program",), {"program_manager", "superuser"}),
    (("other_program",), {"other_program_manager", "superuser"}),
    (("program", "other_program"), {"superuser"}),
]


@pytest.mark.parametrize(("used_by", "allowed"), SHARED_CATALOGUE)
@pytest.mark.parametrize("role", ROLES)
def test_a_host_is_changed_only_by_the_managers_of_every_program_using_it(
    world, used_by, allowed, role
):
    for name in used_by:
        intake = factories.IntakeFactory(program=programs_of(world)[name], published_at=None)
        factories.DeskOfferFactory(intake=intake, host=world["host"])

    person = world["people"][role]
    assert person.has_perm("programs.change_hostincubator", world["host"]) is (role in allowed)


@pytest.mark.parametrize(("used_by", "allowed"), SHARED_CATALOGUE)
@pytest.mark.parametrize("role", ["program_manager", "other_program_manager", "superuser"])
def test_a_market_is_changed_only_by_the_managers_of_every_program_using_it(
    world, used_by, allowed, role
):
    market = world["host"].market
    for name in used_by:
        intake = factories.IntakeFactory(program=programs_of(world)[name], published_at=None)
        intake.markets.add(market)

    person = world["people"][role]
    assert person.has_perm("programs.change_foreignmarket", market) is (role in allowed)


def test_a_market_whose_host_another_program_uses_is_not_a_managers_to_change(world):
    other_program = programs_of(world)["other_program"]
    factories.DeskOfferFactory(intake__program=other_program, host=world["host"])
    market = world["host"].market

    assert not world["people"]["program_manager"].has_perm("programs.change_foreignmarket", market)
    assert world["people"]["other_program_manager"].has_perm(
        "programs.change_foreignmarket", market
    )


def test_an_intake_scoped_manager_does_not_change_a_host_their_intake_uses(world):
    lead = factories.UserFactory()
    services.grant_program_role(
        world["program"], intake=world["intake"], user=lead, role=StaffRole.MANAGER
    )
    factories.DeskOfferFactory(intake=world["intake"], host=world["host"])

    assert not lead.has_perm("programs.change_hostincubator", world["host"])
