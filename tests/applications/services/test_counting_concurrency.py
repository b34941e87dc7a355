"""The managers' kept work counts (WorkCount) under changes made at the same moment, each on a
connection of its own, on PostgreSQL: screenings, transitions, assignments and a conflict in
one intake at once, none refused by a deadlock, and the counts what a fresh count gives."""

import threading
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connections, transaction

from applications import services
from applications.enums import ApplicationStatus, RunStatus
from applications.models import WorkCount
from applications.services import applying, counting, reviewing, selecting
from programs import services as programs_services
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
    assert kept_work(intake) == {"to_screen": 3, "conflicts": 0, "open_reviews": 2}

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

    assert refused(outcomes) == []  # no deadlock
    assert kept_work(intake) == {"to_screen": 3, "conflicts": 1, "open_reviews": 3}
    assert_kept_values_are_fresh(intake)


# Interleavings forced at a chosen point: the first thread ("T1") stops for a moment once it
# holds what the case is about, and the second starts then. Each case once deadlocked or
# counted wrong before its lock was added (found by a review of the change, reproduced).


def _first(name):
    return threading.current_thread().name == name


def pause_t1(module, name, *, before=False, seconds=1.0):
    """Patch ``module.name`` so that T1 (at_once's first thread) stops ``seconds`` the first
    time, before the call or once it returns; returns (the event set then, the patch)."""
    reached = threading.Event()
    real = getattr(module, name)

    def stop():
        if _first("T1") and not reached.is_set():
            reached.set()
            time.sleep(seconds)

    def paused(*args, **kwargs):
        if before:
            stop()
        result = real(*args, **kwargs)
        if not before:
            stop()
        return result

    return reached, mock.patch.object(module, name, paused)


def t2_after(event, module, name):
    """Patch ``module.name`` so that T2 (at_once's second thread) calls it only once T1 has
    reached ``event`` (and a moment more): T2 then finds what T1 holds."""
    real = getattr(module, name)

    def later(*args, **kwargs):
        if threading.current_thread().name == "T2":
            event.wait(5)
            time.sleep(0.2)
        return real(*args, **kwargs)

    return mock.patch.object(module, name, later)


def refused(outcomes):
    """The outcomes that are errors (at_once's: a ValidationError, or a server error's repr)."""
    return [o for o in outcomes if isinstance(o, (str, Exception))]


@pytest.fixture
def panel(postgres):
    """Two intakes of a program, each application wanting three reviewers; its manager and
    three reviewers."""
    program = factories.ProgramFactory()
    intakes = [
        factories.IntakeFactory(program=program, reviewers_per_application=3) for _ in range(2)
    ]
    for intake in intakes:
        factories.RubricCriterionFactory(intake=intake)
    manager = factories.ProgramStaffFactory(program=program, role=StaffRole.MANAGER).user
    reviewers = [
        factories.ProgramStaffFactory(program=program, role=StaffRole.REVIEWER).user
        for _ in range(3)
    ]
    return intakes, manager, reviewers


def test_a_withdrawal_and_an_assignment_in_one_intake_both_go_through(panel):
    (intake, _other), manager, (r1, r2, _r3) = panel
    leaving = factories.ApplicationFactory(intake=intake, status=S.IN_REVIEW)
    staying = factories.ApplicationFactory(intake=intake, status=S.IN_REVIEW)
    factories.ReviewFactory(application=leaving, reviewer=r1, staff=False)
    services.recount_work(intake.pk)
    holding, paused = pause_t1(counting, "lock_work")

    def assign():
        holding.wait(10)
        return services.assign_reviewer(staying, r2, by=manager)

    with paused:
        outcomes = at_once(lambda: services.withdraw_application(leaving, by=manager), assign)
    assert refused(outcomes) == []
    assert kept_work(intake)["open_reviews"] == 1
    assert_kept_values_are_fresh(intake)


def test_the_screening_job_and_a_review_saved_in_one_intake_both_go_through(panel):
    (intake, _other), manager, (r1, _r2, _r3) = panel
    submitted = factories.ApplicationFactory(intake=intake, status=S.SUBMITTED)
    in_review = factories.ApplicationFactory(intake=intake, status=S.IN_REVIEW)
    review = factories.ReviewFactory(application=in_review, reviewer=r1, staff=False)
    criterion = intake.criteria.get()
    services.recount_work(intake.pk)
    holding, paused = pause_t1(counting, "count_work")

    def save():
        holding.wait(10)
        return services.save_review(
            review, by=r1, values={criterion.pk: 3}, comment="", recommendation="support"
        )

    with paused:
        outcomes = at_once(
            lambda: services.transition_application(submitted, to=S.SCREENING, by=None), save
        )
    assert refused(outcomes) == []
    assert kept_work(intake) == {"to_screen": 1, "conflicts": 0, "open_reviews": 0}
    assert_kept_values_are_fresh(intake)


def test_a_conflict_moved_between_intakes_while_its_replacement_is_assigned(panel):
    (first, second), manager, (r1, r2, _r3) = panel
    company = factories.CompanyFactory()
    here = factories.ApplicationFactory(intake=first, company=company, status=S.IN_REVIEW)
    there = factories.ApplicationFactory(intake=second, company=company, status=S.IN_REVIEW)
    review_here = factories.ReviewFactory(application=here, reviewer=r1, staff=False)
    review_there = factories.ReviewFactory(application=there, reviewer=r1, staff=False)
    services.declare_conflict(review_there, by=r1, reason="Former employer")
    holding, paused = pause_t1(reviewing, "lock_work")

    def assign():
        holding.wait(10)
        return services.assign_reviewer(there, r2, by=manager)

    with paused:
        outcomes = at_once(
            lambda: services.declare_conflict(review_here, by=r1, reason="Former employer"),
            assign,
        )
    assert refused(outcomes) == []
    assert (kept_work(first)["conflicts"], kept_work(second)["conflicts"]) == (1, 0)
    assert_kept_values_are_fresh(first)
    assert_kept_values_are_fresh(second)


def test_one_conflict_declared_in_two_intakes_at_once_is_counted_once(panel):
    (first, second), _manager, (r1, _r2, _r3) = panel
    company = factories.CompanyFactory()
    reviews = [
        factories.ReviewFactory(
            application=factories.ApplicationFactory(
                intake=intake, company=company, status=S.IN_REVIEW
            ),
            reviewer=r1,
            staff=False,
        )
        for intake in (first, second)
    ]
    holding, paused = pause_t1(reviewing, "lock_work")

    def declare_there():
        holding.wait(10)
        return services.declare_conflict(reviews[1], by=r1, reason="Former employer")

    with paused:
        outcomes = at_once(
            lambda: services.declare_conflict(reviews[0], by=r1, reason="Former employer"),
            declare_there,
        )
    assert refused(outcomes) == []
    # One row for the reviewer and the firm, open in the intake declared last.
    assert kept_work(first)["conflicts"] + kept_work(second)["conflicts"] == 1
    assert_kept_values_are_fresh(first)
    assert_kept_values_are_fresh(second)


def test_an_application_withdrawn_while_reviewers_are_assigned_keeps_its_counts(panel):
    (intake, _other), manager, _reviewers = panel
    leaving = factories.ApplicationFactory(intake=intake, status=S.IN_REVIEW)
    services.recount_work(intake.pk)
    started = threading.Event()
    real = reviewing._Pool.candidates

    def candidates(pool, *args):
        if _first("T1") and not started.is_set():
            started.set()
            time.sleep(1)  # the applications are read; the withdrawal comes now
        return real(pool, *args)

    def withdraw():
        started.wait(10)
        return services.withdraw_application(leaving, by=manager)

    with mock.patch.object(reviewing._Pool, "candidates", candidates):
        outcomes = at_once(lambda: services.assign_reviewers(intake, by=manager), withdraw)
    assert refused(outcomes) == []
    assert kept_work(intake)["open_reviews"] == 0  # its reviews closed with it
    assert_kept_values_are_fresh(intake)


@pytest.mark.parametrize("act", ["save a score", "declare a conflict"])
def test_a_reviewer_acting_while_the_application_is_withdrawn(panel, act):
    (intake, _other), manager, (r1, _r2, _r3) = panel
    application = factories.ApplicationFactory(intake=intake, status=S.IN_REVIEW)
    review = factories.ReviewFactory(application=application, reviewer=r1, staff=False)
    criterion = intake.criteria.get()
    # T1 holds the application's lock, about to close its reviews.
    started, paused = pause_t1(applying, "follow_status_change", before=True, seconds=1.5)

    def reviewer_acts():
        started.wait(10)
        if act == "save a score":
            return services.save_review(
                review, by=r1, values={criterion.pk: 3}, comment="", recommendation="support"
            )
        return services.declare_conflict(review, by=r1, reason="My cousin's firm")

    with paused:
        outcomes = at_once(
            lambda: services.withdraw_application(application, by=manager), reviewer_acts
        )
    # No deadlock: the reviewer waits for the withdrawal, then is told the review has closed.
    assert outcomes[0].status == S.WITHDRAWN
    assert isinstance(outcomes[1], ValidationError) and "closed" in outcomes[1].messages[0]
    assert_kept_values_are_fresh(intake)


def test_a_run_kept_while_a_review_of_its_slate_is_saved(intake, manager, field):
    factories.RubricCriterionFactory(intake=intake)
    reviewer = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.REVIEWER).user
    review = factories.ReviewFactory(application=field["ada"], reviewer=reviewer, staff=False)
    criterion = intake.criteria.get()
    with mock.patch.object(selecting, "queue_task"):
        run = services.start_run(intake, by=manager)
    # T1 saves the review: it holds the shortlisted application, then counts its work.
    started, paused = pause_t1(counting, "lock_work", before=True, seconds=3)

    def keep():
        started.wait(10)
        return selecting.execute_run(run).pk

    with paused:
        outcomes = at_once(
            lambda: services.save_review(
                review, by=reviewer, values={criterion.pk: 3}, comment="", recommendation="support"
            ),
            keep,
        )
    assert refused(outcomes) == []
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert_kept_values_are_fresh(intake)


def test_two_offers_of_one_intake_declined_at_once(intake, manager, field):
    from applications.models import Offer
    from tests.applications.conftest import run_now

    services.confirm_slate(run_now(intake, manager, min_score=50), by=manager)
    services.release_decisions(intake, by=manager)
    offers = {name: Offer.objects.get(application=field[name]) for name in ("ada", "bo")}
    # T1 has closed its offer and is about to fill the seat.
    started, paused = pause_t1(selecting, "fill_seat", before=True, seconds=1.5)

    def decline_bo():
        started.wait(10)
        return services.decline_offer(offers["bo"], by=field["bo"].owner, reason="Timing")

    with paused:
        outcomes = at_once(
            lambda: services.decline_offer(offers["ada"], by=field["ada"].owner, reason="Timing"),
            decline_bo,
        )
    assert refused(outcomes) == []
    assert sorted(
        Offer.objects.filter(pk__in=[o.pk for o in offers.values()]).values_list(
            "status", flat=True
        )
    ) == ["declined", "declined"]
    assert_kept_values_are_fresh(intake)


def test_opposite_transitions_of_one_intake_at_once(panel):
    """One application shortlisted while another is taken off the shortlist: each moves the
    other's status and filter counts the other way. Both go through, one after the other."""
    (intake, _other), manager, _reviewers = panel
    sector = factories.sector("ict")
    going_up, coming_down = (
        factories.ApplicationFactory(
            intake=intake, status=status, company=factories.CompanyFactory(sector=sector)
        )
        for status in (S.IN_REVIEW, S.SHORTLISTED)
    )
    services.recount_statuses(intake.pk)
    services.recount_filters(intake.pk)
    # T1 has counted its application out of "in review", and not yet into "shortlisted".
    counted_out, paused = pause_t1(counting, "count_filters")

    def unshortlist():
        counted_out.wait(10)
        return services.unshortlist(coming_down, by=manager).status

    with paused:
        outcomes = at_once(
            lambda: services.shortlist([going_up], by=manager)[0].status, unshortlist
        )
    assert outcomes == [S.SHORTLISTED, S.IN_REVIEW]
    assert_kept_values_are_fresh(intake)


def test_a_reviewer_removed_while_an_application_of_theirs_is_withdrawn(panel):
    """The withdrawal holds its application and the work row, then closes the application's
    open reviews; the removal of the reviewer deletes them, then recounts the reviewer's
    tallies (the work row): it locks the reviews' applications first, so it waits."""
    (intake, _other), manager, (r1, _r2, _r3) = panel
    application = factories.ApplicationFactory(intake=intake, status=S.IN_REVIEW)
    factories.ReviewFactory(application=application, reviewer=r1)
    services.recount_work(intake.pk)
    # T1 holds the application and the work row.
    holding, paused = pause_t1(counting, "lock_work", seconds=1.5)

    def remove_reviewer():
        holding.wait(10)
        programs_services.revoke_program_role(intake.program, user=r1, role=StaffRole.REVIEWER)
        return "removed"

    with paused:
        outcomes = at_once(
            lambda: services.withdraw_application(application, by=manager).status,
            remove_reviewer,
        )
    assert outcomes == [S.WITHDRAWN, "removed"]
    assert_kept_values_are_fresh(intake)


def test_the_first_work_of_an_intake_made_at_once_is_locked_by_both(postgres):
    """T1 makes the intake's work row and holds it; T2's lock finds no row, waits for T1's
    insert, and then holds the row itself: a third connection is refused it meanwhile."""
    intake = factories.IntakeFactory()
    WorkCount.objects.filter(intake=intake).delete()
    made = threading.Event()
    third = {}

    def first():
        with transaction.atomic():
            counting.lock_work(intake.pk)
            made.set()
            time.sleep(1.0)
        return "made"

    def probe():
        try:
            with transaction.atomic():
                list(WorkCount.objects.select_for_update(nowait=True).filter(intake=intake))
            third["answer"] = "locked it"
        except OperationalError:
            third["answer"] = "refused"
        finally:
            connections.close_all()

    def second():
        made.wait(10)
        time.sleep(0.2)
        with transaction.atomic():
            counting.lock_work(intake.pk)  # waits for T1's insert, then locks the row
            prober = threading.Thread(target=probe)
            prober.start()
            prober.join(10)
        return third["answer"]

    assert at_once(first, second) == ["made", "refused"]


def test_a_firms_sector_changed_twice_at_once_is_counted_once_each(panel):
    """Two people edit the firm's sector at once (from ICT, one to finance, one to energy):
    the second reads the sector the first saved, so the counts move ICT -> finance -> energy."""
    (intake, _other), _manager, _reviewers = panel
    company = factories.CompanyFactory(sector=factories.sector("ict"))
    owner = factories.CompanyMemberFactory(company=company).user
    factories.ApplicationFactory(intake=intake, company=company, status=S.IN_REVIEW)
    services.recount_filters(intake.pk)
    # T1 has saved its sector and is about to count it.
    saved, paused = pause_t1(applying, "lock_work", before=True)

    def edit(code):
        def change():
            if code == "energy":
                saved.wait(10)
            return services.update_company(
                company.__class__.objects.get(pk=company.pk),
                by=owner,
                sector=factories.sector(code),
            ).sector.code

        return change

    with paused:
        outcomes = at_once(edit("finance"), edit("energy"))
    assert outcomes == ["finance", "energy"]
    assert_kept_values_are_fresh(intake)
