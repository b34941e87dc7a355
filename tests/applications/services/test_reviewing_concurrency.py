"""A reviewer removed from the program while a manager gives them a first review, each on a
connection of its own, on PostgreSQL: the removal waits for the assignment and withdraws the
review, at whichever point of the assignment it comes."""

import time

import pytest
from django.core.exceptions import PermissionDenied

from applications import services
from applications.enums import ApplicationStatus, HostFit
from applications.models import HostFitOpinion, Review
from applications.services import reviewing
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.applications.services.test_counting_concurrency import pause_t1, refused
from tests.placements.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("point", ["recount_reviewers", "_tell_reviewers"])
def test_a_reviewer_removed_while_given_a_first_review(postgres, point):
    program = factories.ProgramFactory()
    intake = factories.IntakeFactory(program=program, reviewers_per_application=2)
    factories.RubricCriterionFactory(intake=intake)
    manager = factories.ProgramStaffFactory(program=program, role=StaffRole.MANAGER).user
    reviewer = factories.ProgramStaffFactory(program=program, role=StaffRole.REVIEWER).user
    application = factories.ApplicationFactory(intake=intake, status=ApplicationStatus.IN_REVIEW)
    services.recount_work(intake.pk)
    # T1 has made the review (not committed) when the role is revoked.
    made, paused = pause_t1(reviewing, point, seconds=1.5)

    def remove():
        made.wait(10)
        programs_services.revoke_program_role(program, user=reviewer, role=StaffRole.REVIEWER)
        return "removed"

    with paused:
        outcomes = at_once(
            lambda: services.assign_reviewer(application, reviewer, by=manager), remove
        )

    assert refused(outcomes[:1]) == []
    assert outcomes[1] == "removed"
    assert Review.objects.filter(reviewer=reviewer, submitted_at__isnull=True).count() == 0


def rubric_and_review(postgres):
    intake = factories.IntakeFactory()
    criterion = factories.RubricCriterionFactory(intake=intake)
    manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    reviewer = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.REVIEWER).user
    application = factories.ApplicationFactory(intake=intake, status=ApplicationStatus.IN_REVIEW)
    review = factories.ReviewFactory(application=application, reviewer=reviewer, staff=False)
    services.recount_work(intake.pk)

    def save():
        return services.save_review(
            review, by=reviewer, values={criterion.pk: 4}, comment="", recommendation="support"
        )

    def replace_rubric():
        criteria = [("Market fit", "", 1, 5), ("Team", "", 1, 5)]
        programs_services.set_rubric(intake, by=manager, criteria=criteria, reason="Sharper")
        return "replaced"

    return intake, review, save, replace_rubric


def test_a_rubric_replaced_while_a_first_score_is_saved_is_refused(postgres):
    """The score first: the replacement waits for it, then finds it and refuses (it failed
    at its commit, a server error, when it did not wait)."""
    intake, review, save, replace_rubric = rubric_and_review(postgres)
    rubric = list(intake.criteria.values_list("pk", flat=True))
    saved, paused = pause_t1(reviewing, "recount_reviewers", seconds=1.5)

    def replace():
        saved.wait(10)
        return replace_rubric()

    with paused:
        outcomes = at_once(save, replace)

    assert refused(outcomes[:1]) == []
    assert "scored against this rubric" in str(outcomes[1])
    assert list(intake.criteria.values_list("pk", flat=True)) == rubric
    assert Review.objects.get(pk=review.pk).scores.count() == 1


def test_a_score_saved_while_the_rubric_is_replaced_is_refused_with_a_message(postgres):
    """The replacement first: the score waits for it, then names a criterion the intake no
    longer has and is refused with a message (it failed at its commit, a server error)."""
    intake, review, save, replace_rubric = rubric_and_review(postgres)
    replaced, paused = pause_t1(programs_services, "_record", before=True, seconds=1.5)

    def save_later():
        replaced.wait(10)
        return save()

    with paused:
        outcomes = at_once(replace_rubric, save_later)

    assert outcomes[0] == "replaced"
    assert "criterion this intake does not have" in str(outcomes[1])
    assert sorted(intake.criteria.values_list("name", flat=True)) == ["Market fit", "Team"]
    assert not Review.objects.get(pk=review.pk).scores.exists()


@pytest.fixture
def shortlisted_choice(postgres):
    """A shortlisted application that ranked a host, and the host's partner."""
    intake = factories.IntakeFactory()
    application = factories.ApplicationFactory(intake=intake, status=ApplicationStatus.SHORTLISTED)
    host = factories.HostIncubatorFactory()
    factories.HostPreferenceFactory(application=application, host=host, rank=1)
    partner = factories.UserFactory()
    host.partner_staff.add(partner)
    services.recount_work(intake.pk)
    return application, host, partner


def test_a_partner_removed_while_giving_a_host_fit_opinion_is_refused(shortlisted_choice):
    """The removal first: the opinion waits for it and is refused (it was kept, given by
    someone who no longer acts for the host)."""
    application, host, partner = shortlisted_choice
    removed, paused = pause_t1(programs_services, "queue_email_to_people", before=True, seconds=1.5)

    def give():
        removed.wait(10)
        return services.give_host_fit(application, host, by=partner, opinion=HostFit.GOOD)

    with paused:
        outcomes = at_once(lambda: programs_services.remove_host_partner(host, user=partner), give)

    assert outcomes[1] == repr(PermissionDenied())
    assert not HostFitOpinion.objects.exists()
    assert not host.partner_staff.exists()


def test_a_partner_giving_an_opinion_is_removed_once_it_is_kept(shortlisted_choice):
    """The opinion first: the removal waits for it; both go through."""
    application, host, partner = shortlisted_choice
    judged, paused = pause_t1(reviewing, "attention_of", seconds=1.5)
    kept_at = {}

    def give():
        fit = services.give_host_fit(application, host, by=partner, opinion=HostFit.GOOD)
        kept_at["opinion"] = time.monotonic()
        return fit

    def remove():
        judged.wait(10)
        programs_services.remove_host_partner(host, user=partner)
        kept_at["removal"] = time.monotonic()
        return "removed"

    with paused:
        outcomes = at_once(give, remove)

    assert refused(outcomes[:1]) == []
    assert outcomes[1] == "removed"
    assert HostFitOpinion.objects.get().given_by == partner
    # The removal waited for the opinion's commit (it went through while the opinion waited).
    assert kept_at["removal"] > kept_at["opinion"]
