"""Every permission of applications over every role (tests/rules_matrix.py), and over every
state where the rule reads one: the company, its application and document, a review, an
offer and a selection run. Roles taken away (a removed member, reviewer or partner) give
nothing; a superuser administers but never acts in a company's name."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from applications import access, services
from applications import rules as perms
from applications.enums import (
    HELD_DECISIONS,
    HOST_FIT_STATUSES,
    REVIEWABLE,
    WITHDRAWABLE,
    ApplicationStatus,
    OfferStatus,
    RunStatus,
)
from applications.models import Offer, Review, SelectionRun
from programs import services as programs_services
from programs.enums import StaffRole
from tests.rules_matrix import MANAGERS, MEMBERS, REVIEWERS, ROLES, build_world, only, permitted

S = ApplicationStatus

COMPANY = [
    ("applications.view_company", MEMBERS | {"superuser"}),
    ("applications.change_company", MEMBERS),
    ("applications.delete_company", {"company_owner"}),
    ("applications.manage_team_company", {"company_owner"}),
    ("applications.act_as_owner_company", {"company_owner"}),
]


def application_expected(permission, status):
    """Who may do ``permission`` to an application in ``status`` (decisions released)."""
    draft = status == S.DRAFT
    return {
        "applications.view_application": MEMBERS | MANAGERS,
        "applications.read_application": MEMBERS | MANAGERS | REVIEWERS,
        "applications.change_application": MEMBERS if draft else set(),
        "applications.submit_application": {"company_owner"} if draft else set(),
        "applications.withdraw_application": (
            {"company_owner"} if status in WITHDRAWABLE else set()
        ),
        # Whatever the status: the service refuses what the status does not allow.
        "applications.work_on_application": MEMBERS,
        "applications.act_as_owner_application": {"company_owner"},
        "applications.extend_application": MANAGERS,
        "applications.screen_application": MANAGERS,
        "applications.assign_application": MANAGERS,
        "applications.shortlist_application": MANAGERS,
    }[permission]


APPLICATION_PERMISSIONS = [
    "applications.view_application",
    "applications.read_application",
    "applications.change_application",
    "applications.submit_application",
    "applications.withdraw_application",
    "applications.work_on_application",
    "applications.act_as_owner_application",
    "applications.extend_application",
    "applications.screen_application",
    "applications.assign_application",
    "applications.shortlist_application",
]


@pytest.fixture
def world(db):
    return build_world()


def set_status(application, status):
    application.status = status
    application.save(update_fields=["status"])


def confirm_slate_now(intake):
    intake.slate_confirmed_at = timezone.now()
    intake.save(update_fields=["slate_confirmed_at"])


@pytest.mark.parametrize(("permission", "allowed"), COMPANY)
def test_company_permissions_follow_each_role(world, permission, allowed):
    company = world["company"]
    granted = permitted(world["people"], permission, company)
    assert granted == only(allowed)


@pytest.mark.parametrize("status", list(S))
def test_application_permissions_follow_each_role_in_every_state(world, status):
    application = world["application"]
    set_status(application, status)
    for permission in APPLICATION_PERMISSIONS:
        granted = permitted(world["people"], permission, application)
        assert (permission, granted) == (
            permission,
            only(application_expected(permission, status)),
        )


def test_a_document_is_read_by_whoever_reads_its_application(world):
    application = world["document"].application
    granted = permitted(world["people"], "applications.read_application", application)
    assert granted == only(MEMBERS | MANAGERS | REVIEWERS)


@pytest.mark.parametrize("status", list(S))
def test_a_review_is_opened_by_its_reviewer_and_scored_while_in_review(world, status):
    review = world["review"]
    set_status(review.application, status)
    people = world["people"]
    seen = permitted(people, "applications.view_review", review)
    scored = permitted(people, "applications.change_review", review)
    assert seen == only({"program_reviewer"})
    assert scored == only({"program_reviewer"} if status in REVIEWABLE else set())


def test_a_removed_reviewers_given_review_is_theirs_no_more(world):
    given = world["given_review"]
    people = world["people"]
    for permission in ["applications.view_review", "applications.change_review"]:
        granted = permitted(people, permission, given)
        assert (permission, granted) == (permission, only(set()))


def test_an_offer_is_seen_by_members_and_managers_and_answered_by_its_owner(world):
    offer = world["offer"]
    people = world["people"]
    seen = permitted(people, "applications.view_offer", offer)
    answered = permitted(people, "applications.answer_offer", offer)
    assert seen == only(MEMBERS | MANAGERS)
    assert answered == only({"company_owner"})


def test_a_held_offer_is_for_the_managers_only_until_release(world):
    offer = world["offer"]
    set_status(offer.application, S.OFFERED)
    confirm_slate_now(offer.intake)
    people = world["people"]
    seen = permitted(people, "applications.view_offer", offer)
    answered = permitted(people, "applications.answer_offer", offer)
    assert seen == only(MANAGERS)
    assert answered == only(set())


@pytest.mark.parametrize("permission", ["view_selectionrun", "change_selectionrun"])
def test_a_run_is_for_the_managers_of_its_intake(world, permission):
    run = world["run"]
    granted = permitted(world["people"], f"applications.{permission}", run)
    assert granted == only(MANAGERS)


@pytest.mark.parametrize("status", HELD_DECISIONS)
def test_no_held_decision_can_be_withdrawn_before_release(world, status):
    application = world["application"]
    set_status(application, status)
    confirm_slate_now(application.intake)
    granted = permitted(world["people"], "applications.withdraw_application", application)
    assert granted == only(set())
    assert world["people"]["company_owner"].has_perm("applications.view_application", application)


def test_decision_is_released_is_false_only_for_a_held_decision(world):
    application = world["application"]
    owner = world["people"]["company_owner"]
    confirm_slate_now(application.intake)
    held = {}
    for status in S:
        set_status(application, status)
        held[status] = not perms.is_decision_released(owner, application)
    assert held == {status: status in HELD_DECISIONS for status in S}
    application.intake.decisions_released_at = timezone.now()
    application.intake.save(update_fields=["decisions_released_at"])
    assert perms.is_decision_released(owner, application) is True


def test_removed_member_loses_access_at_once(world):
    staff = world["people"]["company_staff"]
    company = world["company"]
    assert staff.has_perm("applications.view_company", company)

    services.remove_company_member(company, user=staff)

    assert staff.has_perm("applications.view_company", company) is False
    assert staff.has_perm("applications.view_application", world["application"]) is False
    assert staff.has_perm("applications.view_offer", world["offer"]) is False


def test_a_removed_reviewers_open_reviews_are_withdrawn_and_given_ones_kept(world):
    assert not Review.objects.filter(pk=world["withdrawn_review_id"]).exists()
    assert Review.objects.filter(pk=world["given_review"].pk).exists()


def test_removing_an_intake_role_keeps_a_program_wide_ones_reviews(world):
    program, intake = world["program"], world["intake"]
    reviewer = world["people"]["program_reviewer"]
    programs_services.grant_program_role(
        program, user=reviewer, role=StaffRole.REVIEWER, intake=intake
    )
    programs_services.revoke_program_role(
        program, user=reviewer, role=StaffRole.REVIEWER, intake=intake
    )
    assert Review.objects.filter(pk=world["review"].pk).exists()
    assert reviewer.has_perm("applications.change_review", world["review"])


def test_an_intake_reviewer_removed_loses_the_open_review(world):
    program, intake = world["program"], world["intake"]
    reviewer = world["people"]["intake_reviewer"]
    programs_services.revoke_program_role(
        program, user=reviewer, role=StaffRole.REVIEWER, intake=intake
    )
    assert not Review.objects.filter(reviewer=reviewer).exists()
    assert not reviewer.has_perm("applications.read_application", world["application"])


# Every model with rules_permissions, over every status it has, for every role ------------------
#
# Each case builds the world with its object in that status, then asks every role every
# permission twice: on the object as the world built it (each predicate runs its own query),
# and on the object loaded as the pages load it (applications.access: what the rules ask about
# the person comes with the object). Both must match the table.

RUN_PERMISSIONS = ["applications.view_selectionrun", "applications.change_selectionrun"]
REVIEW_PERMISSIONS = ["applications.view_review", "applications.change_review"]
OFFER_PERMISSIONS = ["applications.view_offer", "applications.answer_offer"]


def application_expected_when(permission, status, held):
    """As application_expected, with the decisions held (slate confirmed, not released) or
    not: a held decision cannot be withdrawn."""
    owners = {"applications.withdraw_application", "applications.act_as_owner_application"}
    if permission in owners and held and status in HELD_DECISIONS:
        return set()
    return application_expected(permission, status)


def review_expected(permission, status):
    if permission == "applications.change_review" and status not in REVIEWABLE:
        return set()
    return {"program_reviewer"}


def offer_expected(permission, status, held):
    if permission == "applications.view_offer":
        return MANAGERS if held else MEMBERS | MANAGERS
    return set() if held else {"company_owner"}


def run_expected(permission, status):
    return MANAGERS


def host_fit_expected(permission, status):
    return {"host_partner"} if status in HOST_FIT_STATUSES else set()


def _set_offer_status(world, status):
    Offer.objects.filter(pk=world["offer"].pk).update(status=status)
    world["offer"].status = status


def _set_run_status(world, status):
    SelectionRun.objects.filter(pk=world["run"].pk).update(status=status)
    world["run"].status = status


def _loaded(loader, obj):
    return lambda user: loader(user).get(pk=obj.pk)


MATRIX = (
    [("application", status, held) for status in ApplicationStatus for held in [False, True]]
    + [("review", status, False) for status in ApplicationStatus]
    + [("host choice", status, False) for status in ApplicationStatus]
    + [("offer", status, held) for status in OfferStatus for held in [False, True]]
    + [("selection run", status, False) for status in RunStatus]
)


def _case(world, model, status, held):
    """(object, its loader for a person, {permission: expected roles}) in ``status``."""
    application = world["application"]
    if model in {"application", "review", "host choice"}:
        set_status(application, status)
    if held:
        confirm_slate_now(application.intake)
    if model == "application":
        table = {p: application_expected_when(p, status, held) for p in APPLICATION_PERMISSIONS}
        return application, _loaded(access.applications_for, application), table
    if model == "review":
        review = world["review"]
        table = {p: review_expected(p, status) for p in REVIEW_PERMISSIONS}
        return review, _loaded(access.reviews_for, review), table
    if model == "host choice":
        choice = application.host_preferences.get()
        table = {"applications.give_host_fit": host_fit_expected(None, status)}
        return choice, _loaded(access.host_choices_for, choice), table
    if model == "offer":
        _set_offer_status(world, status)
        offer = world["offer"]
        table = {p: offer_expected(p, status, held) for p in OFFER_PERMISSIONS}
        return offer, _loaded(access.offers_for, offer), table
    _set_run_status(world, status)
    run = world["run"]
    return run, _loaded(access.runs_for, run), {p: run_expected(p, status) for p in RUN_PERMISSIONS}


def matrix_case_count():
    """How many (model, status, role, permission) checks the matrix makes, plain and loaded."""
    sizes = {
        "application": len(APPLICATION_PERMISSIONS),
        "review": len(REVIEW_PERMISSIONS),
        "host choice": 1,
        "offer": len(OFFER_PERMISSIONS),
        "selection run": len(RUN_PERMISSIONS),
    }
    return sum(sizes[model] * len(ROLES) * 2 for model, _status, _held in MATRIX)


def test_the_matrix_checks_every_status_of_every_protected_model():
    assert len(MATRIX) == 12 * 2 + 12 + 12 + 4 * 2 + 4
    assert matrix_case_count() == 11016


@pytest.mark.parametrize(("model", "status", "held"), MATRIX)
def test_every_role_has_the_declared_permissions_in_every_status(world, model, status, held):
    obj, load, table = _case(world, model, status, held)
    people = world["people"]
    for permission, allowed in table.items():
        plain = permitted(people, permission, obj)
        loaded = {role: people[role].has_perm(permission, load(people[role])) for role in ROLES}
        assert (permission, plain, loaded) == (permission, only(allowed), only(allowed))


# "May this move?" over every status: what the pages offer is what the table allows ----------

SCREENING_BY_HAND = {
    S.SUBMITTED: ["eligible", "ineligible"],
    S.SCREENING: ["eligible", "ineligible"],
    S.INELIGIBLE: ["eligible"],
    S.IN_REVIEW: ["ineligible"],
}


@pytest.mark.parametrize("status", list(S))
def test_the_pages_offer_each_status_only_the_moves_its_table_allows(world, status):
    application = world["application"]
    set_status(application, status)
    manager = world["people"]["program_manager"]
    asked = {
        "screening": perms.screening_decisions(status),
        "screen by hand": perms.can_be_screened_by_hand(manager, application),
        "shortlist": perms.can_be_shortlisted(manager, application),
        "take off the shortlist": perms.is_on_shortlist(manager, application),
        "assign reviewers": perms.can_take_reviewers(manager, application),
    }
    assert asked == {
        "screening": SCREENING_BY_HAND.get(status, []),
        "screen by hand": status in SCREENING_BY_HAND,
        "shortlist": status == S.IN_REVIEW,
        "take off the shortlist": status == S.SHORTLISTED,
        "assign reviewers": status in {S.IN_REVIEW, S.SHORTLISTED},
    }


@pytest.mark.parametrize("offer_status", list(OfferStatus))
@pytest.mark.parametrize("status", list(S))
def test_an_offer_awaits_an_answer_only_open_and_offered(world, status, offer_status):
    offer = world["offer"]
    _set_offer_status(world, offer_status)
    set_status(offer.application, status)
    owner = world["people"]["company_owner"]
    expected = offer_status == OfferStatus.OPEN and status == S.OFFERED
    assert perms.is_awaiting_answer(owner, offer) is expected


@pytest.mark.parametrize("status", list(RunStatus))
def test_only_a_done_run_has_a_slate_and_only_a_failed_one_failed(world, status):
    _set_run_status(world, status)
    manager = world["people"]["program_manager"]
    run = world["run"]
    assert (perms.has_slate(manager, run), perms.has_failed(manager, run)) == (
        status == RunStatus.DONE,
        status == RunStatus.FAILED,
    )


# Loading through applications.access: the firm's members in one query, staff in a few --


def test_an_application_and_its_members_permissions_load_in_one_query(
    world, django_assert_num_queries
):
    user = world["people"]["company_owner"]
    set_status(world["application"], S.DRAFT)
    with django_assert_num_queries(1):
        application = access.application_for(
            user, world["application"].pk, act="applications.submit_application"
        )
    assert application.pk == world["application"].pk


@pytest.mark.parametrize(
    ("role", "permission", "queries"),
    [
        # the application, then the person's roles on its intake, asked once when the rules
        # reach them and kept for the action
        ("program_manager", "applications.extend_application", 2),
        ("intake_manager", "applications.screen_application", 2),
        # the application, the person's roles on its intake (not a manager, a reviewer), then
        # whether they are assigned to it
        ("program_reviewer", "applications.read_application", 3),
    ],
)
def test_staff_load_an_application_with_the_roles_the_rules_reach(
    world, django_assert_num_queries, role, permission, queries
):
    user = world["people"][role]
    set_status(world["application"], S.IN_REVIEW)
    with django_assert_num_queries(queries):
        application = access.application_for(user, world["application"].pk, act=permission)
    assert application.pk == world["application"].pk


def test_an_offer_a_run_and_a_review_load_with_their_permissions_in_two_queries(
    world, django_assert_num_queries
):
    # The object (with the person's role in its firm), then the person's roles on its intake,
    # asked once and kept on it: no query more for the next check.
    people = world["people"]
    with django_assert_num_queries(2):
        offer = access.offer_for(people["company_owner"], world["offer"].pk)
    with django_assert_num_queries(0):
        assert people["company_owner"].has_perm("applications.answer_offer", offer) is True
    with django_assert_num_queries(2):
        run = access.run_for(people["intake_manager"], world["run"].pk)
    with django_assert_num_queries(0):
        assert people["intake_manager"].has_perm("applications.view_selectionrun", run) is True
    with django_assert_num_queries(2):
        assert access.review_for(people["program_reviewer"], world["review"].pk) == world["review"]


def test_what_a_person_is_not_allowed_is_a_404_and_what_they_see_but_may_not_do_a_403(world):
    people = world["people"]
    pk = world["application"].pk
    with pytest.raises(Http404):
        access.application_for(people["other_program_manager"], pk)
    with pytest.raises(Http404):
        access.application_for(people["company_owner"], pk + 1000)
    with pytest.raises(PermissionDenied):
        access.application_for(people["company_staff"], pk, act="applications.withdraw_application")
    with pytest.raises(Http404):
        access.offer_for(people["removed_member"], world["offer"].pk)


def test_the_applicants_next_step_follows_the_table():
    steps = {status: perms.applicant_next_step(status) for status in S}
    assert steps == {
        S.DRAFT: "submit",
        S.SUBMITTED: "screening",
        S.SCREENING: "screening",
        S.INELIGIBLE: "",
        S.IN_REVIEW: "review",
        S.SHORTLISTED: "",
        S.OFFERED: "answer",
        S.ACCEPTED: "place",
        S.DECLINED: "",
        S.WAITLISTED: "",
        S.NOT_SELECTED: "",
        S.WITHDRAWN: "",
    }
