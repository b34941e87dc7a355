import pytest

from programs import services
from programs.enums import StaffRole
from tests import factories
from tests.rules_matrix import ROLES, build_world, only, permitted

STAFF_OF_PROGRAM = {
    "program_manager",
    "intake_manager",
    "other_intake_manager",
    "program_reviewer",
    "intake_reviewer",
}
PROGRAM_WIDE_MANAGERS = {"program_manager", "other_program_manager", "superuser"}

# permission, object key, roles allowed; every other role is refused. Removed staff
# (removed_reviewer, removed_partner) are refused everywhere: roles are read on every request.
EXPECTED = [
    ("programs.view_program", "program", STAFF_OF_PROGRAM | {"superuser"}),
    ("programs.change_program", "program", {"program_manager", "superuser"}),
    ("programs.manage_program", "program", {"program_manager", "superuser"}),
    ("programs.add_program", None, {"superuser"}),
    ("programs.delete_program", "program", {"superuser"}),
    ("programs.act_for_hostincubator", "host", {"host_partner", "superuser"}),
    ("programs.change_hostincubator", "host", PROGRAM_WIDE_MANAGERS),
    ("programs.add_foreignmarket", None, PROGRAM_WIDE_MANAGERS),
    ("programs.delete_hostincubator", "host", {"superuser"}),
    (
        "programs.view_intake",
        "intake",
        {"program_manager", "intake_manager", "program_reviewer", "intake_reviewer", "superuser"},
    ),
    ("programs.change_intake", "intake", {"program_manager", "intake_manager", "superuser"}),
    ("programs.add_intake", "program", {"program_manager", "superuser"}),
    ("programs.delete_intake", "intake", {"superuser"}),
]


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize(("permission", "target", "allowed"), EXPECTED)
def test_program_permissions_follow_each_role(world, permission, target, allowed):
    obj = world[target] if target else None
    granted = permitted(world["people"], permission, obj)
    assert granted == only(allowed)


def test_every_role_is_in_the_world(world):
    assert set(world["people"]) == set(ROLES)


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


def failed_email(intake_ref):
    from portal.enums import EmailStatus
    from portal.models import OutgoingEmail

    return OutgoingEmail.objects.create(
        key=f"k:{intake_ref}", to=["a@northwind.example"], subject="s", body="b",
        status=EmailStatus.FAILED, intake_ref=intake_ref,
    )  # fmt: skip


# Failed outbox emails: about the program's intake, and about no intake (an account email).
EMAIL_EXPECTED = [
    ("programs.view_failed_emails", None,
     {"program_manager", "intake_manager", "other_intake_manager", "other_program_manager",
      "superuser"}),
    ("programs.retry_email", "about the intake",
     {"program_manager", "intake_manager", "superuser"}),
    ("programs.retry_email", "about no intake", {"superuser"}),
]  # fmt: skip


@pytest.mark.parametrize(("permission", "target", "allowed"), EMAIL_EXPECTED)
@pytest.mark.parametrize("role", ROLES)
def test_failed_email_permissions_follow_each_role(world, permission, target, allowed, role):
    emails = {
        "about the intake": failed_email(world["intake"].pk),
        "about no intake": failed_email(None),
    }
    person = world["people"][role]
    assert person.has_perm(permission, emails.get(target)) is (role in allowed)


def test_an_intake_scoped_manager_retries_emails_of_that_intake_only(world):
    from programs import services
    from programs.enums import StaffRole
    from tests import factories

    intake = world["intake"]
    other = factories.IntakeFactory(program=intake.program)
    lead = factories.UserFactory()
    services.grant_program_role(intake.program, intake=intake, user=lead, role=StaffRole.MANAGER)
    assert lead.has_perm("programs.retry_email", failed_email(intake.pk))
    assert not lead.has_perm("programs.retry_email", failed_email(other.pk))


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


# As the pages load them (programs.access): a host with the person's partnership loaded on it,
# an intake or a program plain (its roles come from the person's staff rows); the answers are
# the same as on the object alone.
def _loaders():
    from programs.models import HostIncubator, Intake, Program
    from programs.rules import with_person_partnership

    return {
        "program": lambda user: Program.objects.all(),
        "intake": lambda user: Intake.objects.all(),
        "host": lambda user: with_person_partnership(HostIncubator.objects.all(), user),
    }


STAFF_OF_INTAKE = {"program_manager", "intake_manager", "program_reviewer", "intake_reviewer"}
LOADED_EXPECTED = [row for row in EXPECTED if row[1] is not None] + [
    ("programs.work_on_intake", "intake", STAFF_OF_INTAKE | {"superuser"}),
]


@pytest.mark.parametrize(("permission", "target", "allowed"), LOADED_EXPECTED)
def test_permissions_read_from_the_loaded_roles_follow_each_role(
    world, permission, target, allowed
):
    load = _loaders()[target]
    pk = world[target].pk
    people = world["people"]
    granted = {
        role: people[role].has_perm(permission, load(people[role]).get(pk=pk)) for role in ROLES
    }
    assert granted == only(allowed)


def test_roles_loaded_for_one_person_are_not_read_for_another(world):
    people = world["people"]
    loaded = _loaders()["intake"](people["program_manager"]).get(pk=world["intake"].pk)
    assert people["program_manager"].has_perm("programs.change_intake", loaded) is True
    assert people["other_program_manager"].has_perm("programs.change_intake", loaded) is False
    assert people["program_reviewer"].has_perm("programs.change_intake", loaded) is False


@pytest.mark.parametrize("status", ["held", "pending", "sent", "failed"])
def test_only_a_failed_email_can_be_sent_again(world, status):
    from portal.enums import EmailStatus
    from portal.models import OutgoingEmail

    email = failed_email(world["intake"].pk)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus(status))
    email.refresh_from_db()
    granted = permitted(world["people"], "programs.retry_email", email)
    allowed = {"program_manager", "intake_manager", "superuser"} if status == "failed" else set()
    assert granted == only(allowed)
