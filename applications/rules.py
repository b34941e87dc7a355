"""Who may do what with an applicant company.

A person can belong to several companies, as owner or staff; only owners
submit, withdraw, accept offers and manage the team.
"""

import rules

from applications.enums import REVIEWABLE, WITHDRAWABLE, ApplicationStatus, MemberRole
from portal.rules import is_superuser
from programs.rules import is_intake_manager


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


def _company_of(application):
    return None if application is None else application.company


@rules.predicate
def is_applicant(user, application):
    return is_company_member(user, _company_of(application))


@rules.predicate
def is_applicant_owner(user, application):
    return is_company_owner(user, _company_of(application))


@rules.predicate
def manages_its_intake(user, application):
    return application is not None and is_intake_manager(user, application.intake)


@rules.predicate
def is_draft(user, application):
    return application is not None and application.status == ApplicationStatus.DRAFT


@rules.predicate
def can_still_withdraw(user, application):
    return application is not None and application.status in WITHDRAWABLE


@rules.predicate
def is_assigned_reviewer(user, application):
    if application is None or not user.is_authenticated:
        return False
    return application.reviews.filter(reviewer=user).exists()


can_manage_application = manages_its_intake | is_superuser
can_see_application = is_applicant | manages_its_intake | is_superuser
# Reading the whole application and its documents: the above and its assigned reviewers.
can_read_application = can_see_application | is_assigned_reviewer
can_edit_application = is_applicant & is_draft
can_submit_application = is_applicant_owner & is_draft
can_withdraw_application = is_applicant_owner & can_still_withdraw


@rules.predicate
def is_the_reviewer(user, review):
    return review is not None and user.is_authenticated and review.reviewer_id == user.pk


@rules.predicate
def is_under_review(user, review):
    return review is not None and review.application.status in REVIEWABLE


can_score_review = is_the_reviewer & is_under_review


@rules.predicate
def manages_run_intake(user, run):
    return run is not None and is_intake_manager(user, run.intake)


@rules.predicate
def is_offer_applicant(user, offer):
    return offer is not None and is_applicant(user, offer.application)


@rules.predicate
def is_offer_owner(user, offer):
    return offer is not None and is_applicant_owner(user, offer.application)


can_see_offer = is_offer_applicant | manages_run_intake | is_superuser
# Only the owner answers; the deadline and the offer's status are the service's checks, with
# their own messages.
can_answer_offer = is_offer_owner
can_manage_run = manages_run_intake | is_superuser
