"""The review stage's services: screening, assignment and conflicts, reviews, host fit,
shortlist, reminders. Bad input gets a clear message and changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from applications import queries, services
from applications.enums import ApplicationStatus, HostFit, ScreeningOutcome
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationScore,
    Conflict,
    HostFitOpinion,
    Review,
    Screening,
)
from portal.models import OutgoingEmail
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def intake():
    intake = factories.IntakeFactory(min_employees=10, proven_product_required=False)
    for position, weight in enumerate([3, 2]):
        factories.RubricCriterionFactory(intake=intake, weight=weight, position=position)
    return intake


@pytest.fixture
def manager(intake):
    return factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.MANAGER, user__email="boss@program.example"
    ).user


def reviewer(intake, email):
    return factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.REVIEWER, user__email=email
    ).user


def application(intake, status=S.IN_REVIEW, employees=20, member_email=None):
    company = factories.CompanyFactory(employees=employees)
    factories.CompanyMemberFactory(
        company=company, **({"user__email": member_email} if member_email else {})
    )
    return factories.ApplicationFactory(
        company=company, intake=intake, status=status, submitted_at=timezone.now()
    )


def values(intake, *given):
    return dict(zip([c.pk for c in intake.criteria.all()], given, strict=True))


# Screening ---------------------------------------------------------------------------------


def test_screening_sends_an_eligible_application_to_review_once(intake):
    submitted = application(intake, S.SUBMITTED, employees=20)
    services.screen_application(submitted)
    services.screen_application(submitted)  # the job run twice: no second effect
    submitted.refresh_from_db()
    assert submitted.status == S.IN_REVIEW
    assert submitted.screening.outcome == ScreeningOutcome.ELIGIBLE
    assert submitted.events.count() == 1


def test_screening_gives_the_reasons_of_an_ineligible_application(intake):
    small = application(intake, S.SUBMITTED, employees=3)
    services.screen_application(small)
    small.refresh_from_db()
    assert small.status == S.INELIGIBLE
    assert [r["rule"] for r in small.screening.reasons] == ["employees"]
    assert small.screening.reasons[0]["met"] is False
    assert "Screened automatically." in small.events.get().note


def test_screening_leaves_an_unknown_fact_to_a_manager(intake):
    unknown = application(intake, S.SUBMITTED, employees=None)
    services.screen_application(unknown)
    unknown.refresh_from_db()
    assert unknown.status == S.SCREENING
    assert unknown.screening.outcome == ScreeningOutcome.UNDECIDED


def test_a_manager_overrides_screening_with_a_reason(intake, manager):
    small = application(intake, S.INELIGIBLE, employees=3)
    Screening.objects.create(application=small, outcome="ineligible", screened_at=timezone.now())
    with pytest.raises(ValidationError, match="Say why"):
        services.override_screening(small, by=manager, eligible=True, reason="  ")
    small.refresh_from_db()
    assert small.status == S.INELIGIBLE
    services.override_screening(small, by=manager, eligible=True, reason="Group has 40 staff.")
    small.refresh_from_db()
    assert small.status == S.IN_REVIEW
    assert small.screening.effective_outcome == ScreeningOutcome.ELIGIBLE
    assert small.screening.override_reason == "Group has 40 staff."
    event = small.events.get()
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        manager, S.INELIGIBLE, S.IN_REVIEW, "Group has 40 staff."
    )  # fmt: skip


def test_only_a_manager_of_the_intake_overrides_screening(intake):
    other = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    small = application(intake, S.INELIGIBLE)
    with pytest.raises(PermissionDenied):
        services.override_screening(small, by=other, eligible=True, reason="Why not")


def test_an_illegal_transition_is_refused_with_a_clear_message(intake, manager):
    withdrawn = application(intake, S.WITHDRAWN)
    with pytest.raises(ValidationError, match="withdrawn cannot become in review"):
        services.override_screening(withdrawn, by=manager, eligible=True, reason="Because")


def test_the_sweep_screens_what_an_outage_left(intake, django_capture_on_commit_callbacks):
    stuck = application(intake, S.SUBMITTED)
    stuck.submitted_at = timezone.now() - datetime.timedelta(hours=1)
    stuck.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.screen_waiting()  # tasks run inline in tests
    stuck.refresh_from_db()
    assert stuck.status == S.IN_REVIEW


# Assignment and conflicts ------------------------------------------------------------------


def test_automatic_assignment_balances_load_and_respects_conflicts_and_domains(intake, manager):
    intake.reviewers_per_application = 2
    intake.save()
    ann = reviewer(intake, "ann@panel.example")
    bob = reviewer(intake, "bob@acme-partners.example")
    cat = reviewer(intake, "cat@gmail.com")
    dan = reviewer(intake, "dan@other-panel.example")
    apps = [application(intake) for _ in range(4)]
    clash = application(intake, member_email="ceo@acme-partners.example")
    gmail_team = application(intake, member_email="founder@gmail.com")
    Conflict.objects.create(reviewer=ann, company=apps[0].company, intake=intake, reason="Ex")
    application(intake, S.INELIGIBLE)  # never assigned

    created, short = services.assign_reviewers(intake, by=manager)

    assert short == []
    assert len(created) == 12
    pairs = set(Review.objects.values_list("application_id", "reviewer_id"))
    assert (apps[0].pk, ann.pk) not in pairs
    assert (clash.pk, bob.pk) not in pairs
    # A public mail domain says nothing about where someone works.
    assert Review.objects.filter(application=gmail_team).count() == 2
    loads = list(Review.objects.values_list("reviewer_id", flat=True))
    assert sorted(loads.count(r.pk) for r in [ann, bob, cat, dan]) == [3, 3, 3, 3]
    # Run again: everyone has their reviewers, nothing more is created.
    assert services.assign_reviewers(intake, by=manager) == ([], [])


def test_automatic_assignment_reports_applications_short_of_reviewers(intake, manager):
    intake.reviewers_per_application = 2
    intake.save()
    reviewer(intake, "only@panel.example")
    lone = application(intake)
    created, short = services.assign_reviewers(intake, by=manager)
    assert len(created) == 1
    assert short == [lone.pk]


def test_a_manager_cannot_assign_a_conflicted_or_duplicate_reviewer(intake, manager):
    ann = reviewer(intake, "ann@panel.example")
    target = application(intake)
    services.assign_reviewer(target, ann, by=manager)
    with pytest.raises(ValidationError, match="already assigned"):
        services.assign_reviewer(target, ann, by=manager)
    other = application(intake)
    Conflict.objects.create(reviewer=ann, company=other.company, intake=intake, reason="Client")
    with pytest.raises(ValidationError, match="declared a conflict"):
        services.assign_reviewer(other, ann, by=manager)
    outsider = factories.UserFactory(email="someone@else.example")
    with pytest.raises(ValidationError, match="not a reviewer"):
        services.assign_reviewer(other, outsider, by=manager)
    assert Review.objects.count() == 1


def test_the_database_refuses_a_second_review_by_the_same_reviewer(intake):
    review = factories.ReviewFactory(application=application(intake))
    with pytest.raises(IntegrityError):
        Review.objects.create(
            application=review.application, intake=intake, reviewer=review.reviewer
        )


def test_declaring_a_conflict_removes_the_assignment_and_proposes_a_replacement(
    intake, manager, django_capture_on_commit_callbacks
):
    intake.reviewers_per_application = 1
    intake.save()
    ann = reviewer(intake, "ann@panel.example")
    bob = reviewer(intake, "bob@panel2.example")
    target = application(intake)
    review = services.assign_reviewer(target, ann, by=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conflict = services.declare_conflict(review, by=ann, reason="Former employer")
    assert not Review.objects.filter(pk=review.pk).exists()
    assert conflict.replacement == bob
    assert [m.to for m in mail.outbox] == [["boss@program.example"]]
    assert "bob@panel2.example" in mail.outbox[0].body
    # The manager accepts the proposal; the conflict is resolved and never assigned again.
    services.assign_reviewer(target, bob, by=manager)
    conflict.refresh_from_db()
    assert conflict.resolved_at is not None
    with pytest.raises(ValidationError, match="declared a conflict"):
        services.assign_reviewer(target, ann, by=manager)


def test_only_the_reviewer_declares_their_own_conflict(intake, manager):
    review = factories.ReviewFactory(application=application(intake))
    with pytest.raises(PermissionDenied):
        services.declare_conflict(review, by=manager, reason="Not mine")
    with pytest.raises(ValidationError, match="what the conflict is"):
        services.declare_conflict(review, by=review.reviewer, reason="")
    assert Review.objects.filter(pk=review.pk).exists()


def test_a_stale_assignment_or_a_closed_review_cannot_take_a_conflict_or_a_reviewer(
    intake, manager
):
    ann = reviewer(intake, "ann@panel.example")
    target = application(intake)
    review = services.assign_reviewer(target, ann, by=manager)
    # Withdrawn in another request after these pages were opened (stale objects below).
    stale = Application.objects.get(pk=target.pk)
    owner = factories.CompanyMemberFactory(company=target.company, role="owner").user
    services.withdraw_application(target, by=owner)
    with pytest.raises(ValidationError, match="review of this application has closed"):
        services.declare_conflict(review, by=ann, reason="Former employer")
    assert Review.objects.filter(pk=review.pk).exists()
    assert not Conflict.objects.exists()
    with pytest.raises(ValidationError, match="Only applications in review"):
        services.assign_reviewer(stale, reviewer(intake, "bob@panel2.example"), by=manager)
    # An assignment a manager removed meanwhile is refused with a message, not a crash.
    Review.objects.filter(pk=review.pk).delete()
    with pytest.raises(ValidationError, match="already been removed"):
        services.declare_conflict(review, by=ann, reason="Former employer")


# Reviews and scores ------------------------------------------------------------------------


def test_a_review_is_scored_with_not_applicable_left_out(
    intake, django_capture_on_commit_callbacks
):
    review = factories.ReviewFactory(application=application(intake))
    with django_capture_on_commit_callbacks(execute=True):  # the score refresh runs after commit
        services.save_review(
            review, by=review.reviewer, values=values(intake, 4, None), comment=" Strong ",
            recommendation="support",
        )  # fmt: skip
    review.refresh_from_db()
    assert review.score == Decimal("80.00")
    assert review.comment == "Strong"
    assert review.submitted_at is not None
    assert [s.value for s in review.scores.order_by("criterion__position")] == [4, None]
    score = ApplicationScore.objects.get(application=review.application)
    assert (score.reviews_in, score.raw_mean) == (1, Decimal("80.00"))


@pytest.mark.parametrize(
    ("given", "message"),
    [((6, 3), "from 1 to 5"), ((0, 3), "from 1 to 5"), ((None, None), "at least one")],
)
def test_a_score_outside_the_scale_is_refused_and_nothing_changes(intake, given, message):
    review = factories.ReviewFactory(application=application(intake))
    with pytest.raises(ValidationError, match=message):
        services.save_review(
            review, by=review.reviewer, values=values(intake, *given), comment="",
            recommendation="support",
        )  # fmt: skip
    review.refresh_from_db()
    assert (review.submitted_at, review.score, review.scores.count()) == (None, None, 0)


def test_a_review_by_someone_else_or_after_review_closes_is_refused(intake):
    review = factories.ReviewFactory(application=application(intake))
    stranger = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        services.save_review(
            review, by=stranger, values=values(intake, 3, 3), comment="",
            recommendation="support",
        )  # fmt: skip
    review.application.status = S.NOT_SELECTED
    review.application.save()
    with pytest.raises(ValidationError, match="no longer in review"):
        services.save_review(
            review, by=review.reviewer, values=values(intake, 3, 3), comment="",
            recommendation="support",
        )  # fmt: skip


def test_the_rubric_cannot_change_once_scored(intake, manager):
    review = factories.ReviewFactory(application=application(intake))
    services.save_review(
        review, by=review.reviewer, values=values(intake, 3, 3), comment="",
        recommendation="unsure",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="can no longer change"):
        programs_services.set_rubric(intake, by=manager, criteria=[("New", "", 1, 5)])
    assert intake.criteria.count() == 2


def test_scores_are_combined_and_calibrated_across_the_intake(intake):
    # services.refresh_scores is called directly below; the after-commit task is the same.
    harsh = reviewer(intake, "harsh@panel.example")
    lenient = reviewer(intake, "lenient@panel2.example")
    a1, a2, a3 = (application(intake) for _ in range(3))
    given = [(a1, harsh, (2, 2)), (a2, harsh, (3, 3)), (a1, lenient, (4, 4)),
             (a3, lenient, (5, 5))]  # fmt: skip
    for target, person, scores in given:
        review = Review.objects.create(application=target, intake=intake, reviewer=person)
        services.save_review(
            review, by=person, values=values(intake, *scores), comment="",
            recommendation="support",
        )  # fmt: skip
    services.refresh_scores(intake)
    # Review scores 40, 60 (harsh) and 80, 100 (lenient): see test_scoring for the values.
    summary = {s.application_id: s for s in ApplicationScore.objects.all()}
    assert summary[a1.pk].raw_mean == summary[a2.pk].raw_mean == Decimal("60.00")
    assert summary[a1.pk].calibrated_mean == Decimal("47.64")
    assert summary[a2.pk].calibrated_mean == Decimal("92.36")
    # The ranking follows the settings at once (the ranked score is kept on the application).
    programs_services.update_review_settings(intake, by=harsh, calibrate_scores=True)
    assert [a.pk for a in queries.ranked_in_review(intake)] == [a2.pk, a3.pk, a1.pk]
    programs_services.update_review_settings(intake, by=harsh, calibrate_scores=False)
    assert [a.pk for a in queries.ranked_in_review(intake)] == [a3.pk, a1.pk, a2.pk]


def test_reviewer_progress_counts_this_intakes_reviews_only(intake):
    harsh = reviewer(intake, "harsh@panel.example")
    idle = reviewer(intake, "idle@panel.example")
    a1, a2 = application(intake), application(intake)
    for target, scores in [(a1, (2, 2)), (a2, None)]:
        review = factories.ReviewFactory(application=target, reviewer=harsh)
        if scores:
            services.save_review(
                review, by=harsh, values=values(intake, *scores), comment="",
                recommendation="support",
            )  # fmt: skip
    # A review of the same reviewer in another intake of the program is not counted.
    other = factories.IntakeFactory(program=intake.program)
    factories.ReviewFactory(
        application__intake=other, reviewer=harsh, submitted_at=timezone.now(), score=90
    )
    assert queries.reviewer_progress(intake) == [
        {"pk": harsh.pk, "email": "harsh@panel.example", "full_name": harsh.full_name,
         "assigned": 2, "done": 1, "mean_given": Decimal("40")},
        {"pk": idle.pk, "email": "idle@panel.example", "full_name": idle.full_name,
         "assigned": 0, "done": 0, "mean_given": None},
    ]  # fmt: skip


def test_stale_scores_are_refreshed_by_the_sweep(intake):
    review = factories.ReviewFactory(
        application=application(intake), submitted_at=timezone.now(), score=Decimal("55")
    )
    assert list(queries.intakes_with_stale_scores()) == [intake]
    services.refresh_stale_scores()
    assert ApplicationScore.objects.get(application=review.application).raw_mean == Decimal("55")
    assert list(queries.intakes_with_stale_scores()) == []


def test_reviewers_with_work_due_are_reminded_once_per_window(intake):
    now = timezone.now()
    intake.reviews_due_at = now + datetime.timedelta(hours=60)
    intake.save()
    review = factories.ReviewFactory(
        application=application(intake), reviewer__email="late@panel.example"
    )
    factories.ReviewFactory(application=application(intake), submitted_at=now)  # done
    services.remind_reviewers(now=now)
    services.remind_reviewers(now=now + datetime.timedelta(minutes=15))
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [["late@panel.example"]]
    services.remind_reviewers(now=now + datetime.timedelta(hours=40))  # the 24-hour one
    assert OutgoingEmail.objects.count() == 2
    assert review.reviewer.email in OutgoingEmail.objects.last().to


# Host fit ----------------------------------------------------------------------------------


@pytest.fixture
def shortlisted(intake):
    target = application(intake, S.SHORTLISTED)
    host = factories.HostIncubatorFactory()
    factories.HostPreferenceFactory(application=target, host=host, rank=1)
    partner = factories.UserFactory()
    host.partner_staff.add(partner)
    return target, host, partner


def test_a_partner_gives_a_host_fit_opinion_and_can_change_it(shortlisted):
    target, host, partner = shortlisted
    services.give_host_fit(target, host, by=partner, opinion=HostFit.GOOD, note="Fits")
    services.give_host_fit(target, host, by=partner, opinion=HostFit.NOT_A_FIT, note="No")
    fit = HostFitOpinion.objects.get()
    assert (fit.opinion, fit.note, fit.given_by) == (HostFit.NOT_A_FIT, "No", partner)


def test_another_hosts_staff_cannot_give_a_host_fit_opinion(shortlisted):
    target, host, _partner = shortlisted
    other = factories.HostIncubatorFactory()
    stranger = factories.UserFactory()
    other.partner_staff.add(stranger)
    with pytest.raises(PermissionDenied):
        services.give_host_fit(target, host, by=stranger, opinion=HostFit.GOOD)
    with pytest.raises(ValidationError, match="did not choose"):
        services.give_host_fit(target, other, by=stranger, opinion=HostFit.GOOD)
    assert not HostFitOpinion.objects.exists()


def test_host_fit_is_for_shortlisted_applications(shortlisted, intake):
    target, host, partner = shortlisted
    target.status = S.IN_REVIEW
    target.save()
    with pytest.raises(ValidationError, match="shortlisted"):
        services.give_host_fit(target, host, by=partner, opinion=HostFit.GOOD)


# Shortlist ---------------------------------------------------------------------------------


def test_an_ineligible_application_is_not_shortlisted_without_an_override(intake, manager):
    good = application(intake)
    bad = application(intake, S.INELIGIBLE)
    with pytest.raises(ValidationError, match="override the screening first"):
        services.shortlist([good, bad], by=manager)
    good.refresh_from_db()
    assert good.status == S.IN_REVIEW  # all or nothing
    services.shortlist([good], by=manager)
    good.refresh_from_db()
    assert good.status == S.SHORTLISTED
    assert ApplicationEvent.objects.filter(application=good, to_status=S.SHORTLISTED).count() == 1


def test_shortlist_the_top_by_count_or_threshold(intake, manager):
    scored = []
    for score in ["90", "70", "50"]:
        target = application(intake)
        ApplicationScore.objects.create(
            application=target, intake=intake, reviews_in=1, raw_mean=Decimal(score),
            raw_median=Decimal(score), computed_at=timezone.now(),
        )  # fmt: skip
        scored.append(target)
    services.rank_applications(intake)  # the scores were written without refresh_scores
    application(intake)  # not scored: never shortlisted by score
    services.shortlist_top(intake, by=manager, count=1)
    services.shortlist_top(intake, by=manager, threshold=Decimal("60"))
    statuses = [a.status for a in type(scored[0]).objects.filter(pk__in=[a.pk for a in scored])
                .order_by("pk")]  # fmt: skip
    assert statuses == [S.SHORTLISTED, S.SHORTLISTED, S.IN_REVIEW]
    with pytest.raises(ValidationError, match="No scored application"):
        services.shortlist_top(intake, by=manager, threshold=Decimal("95"))


def test_review_settings_changes_are_recorded(intake, manager):
    programs_services.update_review_settings(intake, by=manager, calibrate_scores=True)
    change = intake.changes.get()
    assert change.before["calibrate_scores"] == "False"
    assert change.after["calibrate_scores"] == "True"
    assert change.changed_by == manager
