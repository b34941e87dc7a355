import pytest

from applications import services
from tests.rules_matrix import ROLES, build_world

EXPECTED = [
    ("applications.view_company", {"company_owner", "company_staff", "superuser"}),
    ("applications.change_company", {"company_owner", "company_staff", "superuser"}),
    ("applications.delete_company", {"company_owner", "superuser"}),
    ("applications.manage_team_company", {"company_owner", "superuser"}),
    ("applications.act_as_owner_company", {"company_owner", "superuser"}),
]


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize(("permission", "allowed"), EXPECTED)
@pytest.mark.parametrize("role", ROLES)
def test_company_permissions_follow_each_role(world, permission, allowed, role):
    person = world["people"][role]
    assert person.has_perm(permission, world["company"]) is (role in allowed)


def test_removed_member_loses_access_at_once(world):
    staff = world["people"]["company_staff"]
    company = world["company"]
    assert staff.has_perm("applications.view_company", company)

    services.remove_company_member(company, user=staff)

    assert staff.has_perm("applications.view_company", company) is False
