"""Who may do what with an applicant company.

A person can belong to several companies, as owner or staff; only owners
submit, withdraw, accept offers and manage the team.
"""

import rules

from applications.enums import MemberRole
from portal.rules import is_superuser


def _membership_role(user, company):
    if company is None or not user.is_authenticated:
        return None
    return company.members.filter(user=user).values_list("role", flat=True).first()


@rules.predicate
def is_company_member(user, company):
    return _membership_role(user, company) is not None


@rules.predicate
def is_company_owner(user, company):
    return _membership_role(user, company) == MemberRole.OWNER


can_see_company = is_company_member | is_superuser
can_edit_company = is_company_member
can_manage_team = is_company_owner
can_act_as_owner = is_company_owner
