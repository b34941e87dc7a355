"""Who may do what with an applicant company, its applications, reviews and offers.

A person can belong to several companies, as owner or staff; only owners
submit, withdraw, accept offers and manage the team. What belongs to a company's
members is for its members only: a superuser administers (sees, manages intakes)
but never acts in a firm's name. Every predicate reads the roles as they are now,
so a person removed from a company, a program or a host loses access at once.
"""

import rules
from django.db.models import Exists, OuterRef, Subquery, Value

from applications.enums import (
    HELD_DECISIONS,
    HOST_FIT_STATUSES,
    OFFER_TRANSITIONS,
    REVIEWABLE,
    TRANSITIONS,
    WITHDRAWABLE,
    ApplicationStatus,
    MemberRole,
    OfferStatus,
    RunStatus,
)
from portal.rules import is_superuser
from programs.enums import StaffRole
from programs.rules import has_role_on_intake_of, is_partner_of_host_of, with_person_roles

S = ApplicationStatus


def _members():
    from applications.models import CompanyMember  # models import this module

    return CompanyMember.objects


def with_person_membership(queryset, user, company="company"):
    """``queryset`` with the person's role in each row's company (``company``: the path to it),
    asked in the query that loads the rows; the predicates read it instead of asking again,
    for this person only (as programs.rules.with_person_roles)."""
    if not user.is_authenticated:
        return queryset
    role = _members().filter(company=OuterRef(company), user=user).values("role")[:1]
    return queryset.annotate(member_person=Value(user.pk), person_member_role=Subquery(role))


def with_person_assignment(applications, user):
    """Applications with whether the person is assigned to review each (as above)."""
    from applications.models import Review

    if not user.is_authenticated:
        return applications
    return applications.annotate(
        assigned_person=Value(user.pk),
        person_assigned=Exists(Review.objects.filter(application=OuterRef("pk"), reviewer=user)),
    )


def with_person_access(queryset, user, *, company="company"):
    """``queryset`` with everything the predicates below ask about the person: their role in
    each row's company (``company``: the path to it), loaded with each row, and their roles on
    its intake, asked once per row when a predicate needs them (with_person_roles)."""
    return with_person_roles(with_person_membership(queryset, user, company), user)


def _membership_role(user, loaded_on, company_id):
    """The person's role in the company, from the answer loaded with ``loaded_on`` (the
    company, or an object of its) when there is one."""
    if company_id is None or not user.is_authenticated:
        return None
    if getattr(loaded_on, "member_person", None) == user.pk:
        return loaded_on.person_member_role
    return _members().filter(company=company_id, user=user).values_list("role", flat=True).first()


def _company_role(user, company):
    return None if company is None else _membership_role(user, company, company.pk)


@rules.predicate
def is_company_member(user, company):
    return _company_role(user, company) is not None


@rules.predicate
def is_company_owner(user, company):
    return _company_role(user, company) == MemberRole.OWNER


can_see_company = is_company_member | is_superuser
can_edit_company = is_company_member
can_manage_team = is_company_owner
can_act_as_owner = is_company_owner


def _applicant_role(user, application, loaded_on=None):
    if application is None:
        return None
    loaded_on = application if loaded_on is None else loaded_on
    return _membership_role(user, loaded_on, application.company_id)


@rules.predicate
def is_applicant(user, application):
    return _applicant_role(user, application) is not None


@rules.predicate
def is_applicant_owner(user, application):
    return _applicant_role(user, application) == MemberRole.OWNER


@rules.predicate
def manages_its_intake(user, application):
    return has_role_on_intake_of(user, application, StaffRole.MANAGER)


@rules.predicate
def is_draft(user, application):
    return application is not None and application.status == S.DRAFT


@rules.predicate
def can_still_withdraw(user, application):
    return application is not None and application.status in WITHDRAWABLE


# "May this move?" -- buttons, override choices and shortlist actions ask these, which read
# the TRANSITIONS table, so a page offers exactly what the one transition function accepts.
# The functions of a status serve list rows (dicts); the predicates, loaded objects.

# A manager's screening decision by hand, and where it sends the application.
SCREENING_DECISIONS = {"eligible": S.IN_REVIEW, "ineligible": S.INELIGIBLE}


def screening_decisions(status):
    """The decisions a manager may record by hand in ``status``: until the shortlist (while
    the application is, or may still become, ineligible), each whose status the table lets
    it move to."""
    if S.INELIGIBLE not in TRANSITIONS[status] | {status}:
        return []
    return [name for name, to in SCREENING_DECISIONS.items() if to in TRANSITIONS[status]]


def may_be_shortlisted(status):
    return S.SHORTLISTED in TRANSITIONS[status]


def may_leave_shortlist(status):
    """Shortlisted, and the table lets it go back to review."""
    return status == S.SHORTLISTED and S.IN_REVIEW in TRANSITIONS[status]


def may_be_submitted(status):
    return S.SUBMITTED in TRANSITIONS[status]


def awaits_screening(status):
    """Not screened yet: the table lets it go either way, to review or ineligible."""
    return {S.IN_REVIEW, S.INELIGIBLE} <= TRANSITIONS[status]


def awaits_answer(status):
    """Offered: the table lets the applicant accept."""
    return S.ACCEPTED in TRANSITIONS[status]


def applicant_next_step(status):
    """What the applicant's dashboard tells them comes next, for the status they see:
    "submit", "screening", "review", "answer", "place", or "" (nothing to say)."""
    if may_be_submitted(status):
        return "submit"
    if awaits_screening(status):
        return "screening"
    if may_be_shortlisted(status):
        return "review"
    if awaits_answer(status):
        return "answer"
    return "place" if status == S.ACCEPTED else ""


def is_reviewable(status):
    """Reviewers work on it: they score it, and managers assign them."""
    return status in REVIEWABLE


@rules.predicate
def can_be_screened_by_hand(user, application):
    return application is not None and bool(screening_decisions(application.status))


@rules.predicate
def can_be_shortlisted(user, application):
    return application is not None and may_be_shortlisted(application.status)


@rules.predicate
def is_on_shortlist(user, application):
    return application is not None and may_leave_shortlist(application.status)


@rules.predicate
def can_take_reviewers(user, application):
    return application is not None and is_reviewable(application.status)


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
    if getattr(application, "assigned_person", None) == user.pk:
        assigned = application.person_assigned
    else:
        assigned = application.reviews.filter(reviewer=user).exists()
    # Never its own firm's reviewer (a member since the assignment, say): the role in the
    # company comes with the loaded application (with_person_access).
    return (
        assigned
        and _applicant_role(user, application) is None
        and has_role_on_intake_of(user, application, StaffRole.REVIEWER)
    )


can_manage_application = is_superuser | manages_its_intake
# The applicant first: the loader brings their role with the application (the others ask).
can_see_application = is_superuser | is_applicant | manages_its_intake
# Reading the whole application and its documents: the above and its assigned reviewers.
can_read_application = can_see_application | is_assigned_reviewer
can_edit_application = is_applicant & is_draft
can_submit_application = is_applicant_owner & is_draft
# A held decision is withdrawn from no more than it is shown: offered, waitlisted and not
# selected look the same (shortlisted, no withdraw button) until the release.
can_withdraw_application = is_applicant_owner & can_still_withdraw & is_decision_released
# What a page that saves or moves the application asks before calling the service, whose
# refusal of a status (a colleague's save after the submission, a second click on Submit or
# Withdraw) reaches the person as a message, with what they typed: its firm's members save,
# its owner submits and withdraws (a held decision is no more acted on than it is shown).
can_work_on_application = is_applicant
can_act_as_owner_of_application = is_applicant_owner & is_decision_released


@rules.predicate
def is_the_reviewer(user, review):
    return review is not None and user.is_authenticated and review.reviewer_id == user.pk


@rules.predicate
def reviews_its_intake(user, review):
    return has_role_on_intake_of(user, review, StaffRole.REVIEWER)


@rules.predicate
def is_under_review(user, review):
    return review is not None and is_reviewable(review.application.status)


@rules.predicate
def is_on_reviewed_team(user, review):
    """A member of the firm under review (one who joined its team after the assignment, say):
    never its reviewer, whatever the assignment says; the role comes with the loaded review
    (applications.access.reviews_for)."""
    return review is not None and _applicant_role(user, review.application, review) is not None


# Nobody reviews their own firm: its member neither scores it nor reads the other reviews.
can_see_review = is_the_reviewer & reviews_its_intake & ~is_on_reviewed_team
can_score_review = can_see_review & is_under_review


@rules.predicate
def manages_run_intake(user, run):
    return has_role_on_intake_of(user, run, StaffRole.MANAGER)


@rules.predicate
def is_offer_applicant(user, offer):
    return offer is not None and _applicant_role(user, offer.application, offer) is not None


@rules.predicate
def is_offer_owner(user, offer):
    return offer is not None and _applicant_role(user, offer.application, offer) == MemberRole.OWNER


@rules.predicate
def is_offer_released(user, offer):
    """An offer does not exist for its applicant until the decisions are released."""
    return offer is not None and not decisions_held(offer.intake)


@rules.predicate
def is_awaiting_answer(user, offer):
    """Open (the offer table lets it be answered) and its application offered (the
    application table lets it be accepted); the deadline is the service's check."""
    return (
        offer is not None
        and OfferStatus.ACCEPTED in OFFER_TRANSITIONS[offer.status]
        and S.ACCEPTED in TRANSITIONS[offer.application.status]
    )


# Before the release an applicant's offer does not exist for them (is_offer_released: a 404,
# as for a waitlisted or not selected applicant, who has none).
can_see_offer = is_superuser | manages_run_intake | (is_offer_applicant & is_offer_released)
# Only the owner answers; the deadline and the offer's status are the service's checks, with
# their own messages.
can_answer_offer = is_offer_owner & is_offer_released
can_manage_run = is_superuser | manages_run_intake


@rules.predicate
def has_slate(user, run):
    """Done: the run proposed a slate, which can be read, compared and confirmed."""
    return run is not None and run.status == RunStatus.DONE


@rules.predicate
def has_failed(user, run):
    return run is not None and run.status == RunStatus.FAILED


def was_declined(status):
    """An offer's seat freed by its applicant's answer, not by its deadline."""
    return status == OfferStatus.DECLINED


@rules.predicate
def is_partner_of_chosen_host(user, preference):
    """Partner staff of the host an application chose (a HostPreference)."""
    return is_partner_of_host_of(user, preference)


@rules.predicate
def waits_for_host_fit(user, preference):
    return preference is not None and preference.application.status in HOST_FIT_STATUSES


can_give_host_fit = waits_for_host_fit & is_partner_of_chosen_host
rules.add_perm("applications.give_host_fit", can_give_host_fit)
