"""Who may do what with an applicant company, its applications, reviews and offers.

A person can belong to several companies, as owner or staff; only owners
submit, withdraw, accept offers and manage the team. What belongs to a company's
members is for its members only: a superuser administers (sees, manages intakes)
but never acts in a firm's name. Every predicate reads the roles as they are now,
so a person removed from a company, a program or a host loses access at once.
"""

import rules

from applications.enums import (
    HELD_DECISIONS,
    REVIEWABLE,
    WITHDRAWABLE,
    ApplicationStatus,
    MemberRole,
)
from portal.rules import is_superuser
from programs.rules import is_intake_manager, is_intake_reviewer


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


def decisions_held(intake):
    """The intake's slate is confirmed and its decision emails are not released yet."""
    return intake.slate_confirmed_at is not None and intake.decisions_released_at is None


@rules.predicate
def is_decision_released(user, application):
    """False while the application holds a decision (offered, waitlisted, not selected) whose
    email the manager has not released: until then the applicant's pages, buttons and URLs
    are those of a shortlisted application, whichever the decision."""
    if application is None:
        return False
    return not (application.status in HELD_DECISIONS and decisions_held(application.intake))


@rules.predicate
def is_assigned_reviewer(user, application):
    """Assigned to review it, and a reviewer of its intake still: access follows the role
    held now, not an assignment made while the person had it."""
    if application is None or not user.is_authenticated:
        return False
    return application.reviews.filter(reviewer=user).exists() and is_intake_reviewer(
        user, application.intake
    )


can_manage_application = manages_its_intake | is_superuser
can_see_application = is_applicant | manages_its_intake | is_superuser
# Reading the whole application and its documents: the above and its assigned reviewers.
can_read_application = can_see_application | is_assigned_reviewer
can_edit_application = is_applicant & is_draft
can_submit_application = is_applicant_owner & is_draft
# A held decision is withdrawn from no more than it is shown: offered, waitlisted and not
# selected look the same (shortlisted, no withdraw button) until the release.
can_withdraw_application = is_applicant_owner & can_still_withdraw & is_decision_released


@rules.predicate
def is_the_reviewer(user, review):
    return review is not None and user.is_authenticated and review.reviewer_id == user.pk


@rules.predicate
def reviews_its_intake(user, review):
    return review is not None and is_intake_reviewer(user, review.intake)


@rules.predicate
def is_under_review(user, review):
    return review is not None and review.application.status in REVIEWABLE


can_see_review = is_the_reviewer & reviews_its_intake
can_score_review = can_see_review & is_under_review


@rules.predicate
def manages_run_intake(user, run):
    return run is not None and is_intake_manager(user, run.intake)


@rules.predicate
def is_offer_applicant(user, offer):
    return offer is not None and is_applicant(user, offer.application)


@rules.predicate
def is_offer_owner(user, offer):
    return offer is not None and is_applicant_owner(user, offer.application)


@rules.predicate
def is_offer_released(user, offer):
    return offer is not None and not decisions_held(offer.intake)


# Before the release an applicant's offer does not exist for them (queries.offers_visible_to
# leaves it out: a 404, as for a waitlisted or not selected applicant who has none).
can_see_offer = (is_offer_applicant & is_offer_released) | manages_run_intake | is_superuser
# Only the owner answers; the deadline and the offer's status are the service's checks, with
# their own messages.
can_answer_offer = is_offer_owner & is_offer_released
can_manage_run = manages_run_intake | is_superuser
