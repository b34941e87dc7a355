"""Every role the portal knows, built around one program, one host and one company."""

from django.contrib.auth.models import AnonymousUser

from applications.enums import MemberRole
from programs.enums import StaffRole
from tests import factories

ROLES = [
    "anonymous",
    "no_role",
    "company_owner",
    "company_staff",
    "program_manager",
    "program_reviewer",
    "other_program_manager",
    "host_partner",
    "other_host_partner",
    "superuser",
]


def build_world():
    program = factories.ProgramFactory()
    other_program = factories.ProgramFactory()
    host = factories.HostIncubatorFactory()
    other_host = factories.HostIncubatorFactory()
    company = factories.CompanyFactory()

    people = {"anonymous": AnonymousUser(), "no_role": factories.UserFactory()}
    people["company_owner"] = factories.CompanyMemberFactory(
        company=company, role=MemberRole.OWNER
    ).user
    people["company_staff"] = factories.CompanyMemberFactory(
        company=company, role=MemberRole.STAFF
    ).user
    people["program_manager"] = factories.ProgramStaffFactory(
        program=program, role=StaffRole.MANAGER
    ).user
    people["program_reviewer"] = factories.ProgramStaffFactory(
        program=program, role=StaffRole.REVIEWER
    ).user
    people["other_program_manager"] = factories.ProgramStaffFactory(
        program=other_program, role=StaffRole.MANAGER
    ).user
    people["host_partner"] = factories.UserFactory()
    host.partner_staff.add(people["host_partner"])
    people["other_host_partner"] = factories.UserFactory()
    other_host.partner_staff.add(people["other_host_partner"])
    people["superuser"] = factories.UserFactory(is_superuser=True, is_staff=True)
    assert set(people) == set(ROLES)
    # Not yet published: only the program's staff see it.
    intake = factories.IntakeFactory(program=program, published_at=None)
    return {
        "program": program,
        "intake": intake,
        "host": host,
        "company": company,
        "people": people,
    }
