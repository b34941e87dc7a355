"""Who may see and act on the money, for every role and the statuses that matter."""

import pytest
from djmoney.money import Money

from applications.enums import MemberRole
from placements.enums import AwardStatus, ClaimStatus, PlacementStatus
from placements.models import ExpenseClaim, Placement, StipendAward
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["member", "manager", "director", "partner", "stranger", "other_manager", "reviewer"]


@pytest.fixture
def people(intake, host, company, manager):
    partner = factories.UserFactory()
    programs_services.add_host_partner(host, user=partner)
    return {
        "member": factories.CompanyMemberFactory(company=company, role=MemberRole.STAFF).user,
        "manager": manager,
        "director": factories.UserFactory(is_superuser=True),
        "partner": partner,
        "stranger": factories.CompanyMemberFactory(role=MemberRole.OWNER).user,
        "other_manager": factories.ProgramStaffFactory(role=StaffRole.MANAGER).user,
        "reviewer": factories.ProgramStaffFactory(
            program=intake.program, role=StaffRole.REVIEWER
        ).user,
    }


def award_in(status, intake, company, stay=PlacementStatus.SCHEDULED):
    return StipendAward(
        intake=intake, company=company, amount=Money(1000, "CAD"), status=status,
        placement=Placement(status=stay),
    )  # fmt: skip


def allowed(people, permission, obj):
    return [role for role in ROLES if people[role].has_perm(permission, obj)]


def test_only_the_firm_and_the_programs_managers_see_an_award(people, intake, company):
    award = award_in(AwardStatus.AWARDED, intake, company)
    assert allowed(people, "placements.view_stipendaward", award) == [
        "member",
        "manager",
        "director",
    ]
    assert allowed(people, "placements.manage_stipendaward", award) == ["manager", "director"]


@pytest.mark.parametrize("status", AwardStatus.values)
def test_the_firm_claims_only_on_an_awarded_or_reduced_award(people, intake, company, status):
    award = award_in(status, intake, company)
    expected = ["member"] if status in ["awarded", "reduced"] else []
    assert allowed(people, "placements.claim_stipendaward", award) == expected
    # A cancelled stay's award keeps only what was paid or approved: no claim on it.
    cancelled = award_in(status, intake, company, stay=PlacementStatus.CANCELLED)
    assert allowed(people, "placements.claim_stipendaward", cancelled) == []


@pytest.mark.parametrize("status", ClaimStatus.values)
def test_the_firm_edits_a_claim_only_as_a_draft_or_sent_back(people, intake, company, status):
    claim = ExpenseClaim(award=award_in(AwardStatus.AWARDED, intake, company), status=status)
    expected = ["member"] if status in ["draft", "changes-requested"] else []
    assert allowed(people, "placements.edit_expenseclaim", claim) == expected
    assert allowed(people, "placements.view_expenseclaim", claim) == [
        "member",
        "manager",
        "director",
    ]
    assert allowed(people, "placements.manage_expenseclaim", claim) == ["manager", "director"]
