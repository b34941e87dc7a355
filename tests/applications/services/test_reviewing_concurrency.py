"""A reviewer removed from the program while a manager gives them a first review, each on a
connection of its own, on PostgreSQL: the removal waits for the assignment and withdraws the
review, at whichever point of the assignment it comes."""

import pytest

from applications import services
from applications.enums import ApplicationStatus
from applications.models import Review
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
