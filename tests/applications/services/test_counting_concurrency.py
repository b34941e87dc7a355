"""The managers' kept work counts (WorkCount) under changes made at the same moment, each on a
connection of its own, on PostgreSQL: screenings, transitions, assignments and a conflict in
one intake at once, none refused by a deadlock, and the counts what a fresh count gives."""

import pytest

from applications import services
from applications.enums import ApplicationStatus
from programs.enums import StaffRole
from tests import factories
from tests.applications.services.test_counting import assert_kept_values_are_fresh, kept_work
from tests.placements.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
S = ApplicationStatus


def test_work_counted_at_the_same_moment_is_counted_once_each(postgres):
    intake = factories.IntakeFactory(reviewers_per_application=3)
    factories.RubricCriterionFactory(intake=intake)
    manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    reviewers = [
        factories.ProgramStaffFactory(program=intake.program, role=StaffRole.REVIEWER).user
        for _ in range(3)
    ]
    undecided = [factories.ApplicationFactory(intake=intake, status=S.SCREENING) for _ in range(3)]
    submitted = [factories.ApplicationFactory(intake=intake, status=S.SUBMITTED) for _ in range(3)]
    in_review = [factories.ApplicationFactory(intake=intake, status=S.IN_REVIEW) for _ in range(2)]
    reviews = [factories.ReviewFactory(application=a, reviewer=reviewers[0]) for a in in_review]
    services.recount_work(intake.pk)
    assert kept_work(intake) == {"to_screen": 3, "conflicts": 0, "open_reviews": 2, "done_runs": 0}

    outcomes = at_once(
        *[
            lambda a=a: services.override_screening(a, by=manager, eligible=True, reason="Seen")
            for a in undecided
        ],
        *[
            lambda a=a: services.transition_application(a, to=S.SCREENING, by=None)
            for a in submitted
        ],
        lambda: services.assign_reviewer(in_review[0], reviewers[1], by=manager),
        lambda: services.assign_reviewer(in_review[1], reviewers[2], by=manager),
        lambda: services.declare_conflict(reviews[0], by=reviewers[0], reason="My cousin's firm"),
    )

    assert [o for o in outcomes if isinstance(o, (str, Exception))] == []  # no deadlock
    assert kept_work(intake) == {"to_screen": 3, "conflicts": 1, "open_reviews": 3, "done_runs": 0}
    assert_kept_values_are_fresh(intake)
