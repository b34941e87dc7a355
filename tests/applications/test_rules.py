"""Every permission of applications over every role (tests/rules_matrix.py), and over every
state where the rule reads one: the company, its application and document, a review, an
offer and a selection run. Roles taken away (a removed member, reviewer or partner) give
nothing; a superuser administers but never acts in a company's name."""

import pytest
from django.utils import timezone

from applications import rules as perms
from applications import services
from applications.enums import HELD_DECISIONS, REVIEWABLE, WITHDRAWABLE, ApplicationStatus
from applications.models import Review
from programs import services as programs_services
from programs.enums import StaffRole
from tests.rules_matrix import MANAGERS, MEMBERS, REVIEWERS, build_world, only, permitted

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
