"""The selection stage's services: runs, the slate and its checks, confirmation, the decision
outbox, offers and the waitlist. Bad input gets a clear message and changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from djmoney.money import Money

from applications import queries, selection, services, tasks
from applications.enums import ApplicationStatus, HostFit, NotOffered, OfferStatus, RunStatus
from applications.models import (
    ApplicationEvent,
    HostFitOpinion,
    Offer,
    SelectionRun,
)
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from programs.models import ExchangeRate
from tests import factories
from tests.applications.conftest import run_now, shortlisted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def entries(run):
    return {
        e.application.company.name: e for e in run.entries.select_related("application__company")
    }


# Runs -----------------------------------------------------------------------------------------


def test_a_run_offers_the_best_total_and_says_why_the_others_are_not_offered(
    intake, manager, field, hosts
):
    run = run_now(intake, manager, min_score=50)
    alpha, beta = hosts
    assert run.status == RunStatus.DONE and run.progress == 100
    assert run.gap == 0 and run.objective == Decimal("170.00")
    assert run.objective >= run.greedy_objective
    slate = entries(run)
    assert (slate["Ada"].host, slate["Bo"].host) == (alpha, beta)
    assert slate["Cy"].host is None and slate["Cy"].reason == NotOffered.HOSTS_FULL
    assert slate["Cy"].waitlist_position == 1
    assert slate["Di"].reason == NotOffered.BELOW_MINIMUM and slate["Di"].waitlist_position is None
    # Kept with what it read: parameters, desks and the budget.
    assert run.min_score == 50 and run.budget == Decimal("10000.00")
    assert run.desks == {str(alpha.pk): 1, str(beta.pk): 1}
    intake.refresh_from_db()
    assert intake.selection_started_at is not None


def test_a_preference_penalty_and_a_not_a_fit_change_the_slate(intake, manager, field, hosts):
    alpha, beta = hosts
    partner = factories.UserFactory()
    HostFitOpinion.objects.create(
        application=field["ada"], host=alpha, opinion=HostFit.NOT_A_FIT, given_by=partner
    )
    slate = entries(run_now(intake, manager, rank_penalty=5))
    assert slate["Ada"].host == beta and slate["Bo"].host == alpha
    assert slate["Ada"].not_a_fit == [alpha.pk]


def test_a_run_respects_the_budget_and_the_stipend_cap(intake, manager, hosts):
    alpha, beta = hosts
    intake.stipend_budget = Money(5000, "CAD")
    intake.save()
    shortlisted(intake, "Big", 90, [alpha], stipend=9000)  # capped at 4,000
    shortlisted(intake, "Small", 50, [beta], stipend=2000)
    slate = entries(run_now(intake, manager))
    assert slate["Big"].stipend == Decimal("4000.00") and slate["Big"].host == alpha
    assert slate["Small"].host is None and slate["Small"].reason == NotOffered.BUDGET


def test_a_cap_and_pool_in_another_currency_are_converted_at_the_recorded_rate(
    intake, manager, hosts
):
    alpha, beta = hosts
    ExchangeRate.objects.create(
        currency="EUR", rate=Decimal("1.5"), valid_from=datetime.date(2020, 1, 1), source="Test"
    )
    intake.stipend_cap = Money(2000, "EUR")  # 3,000 CAD
    intake.stipend_budget = Money(4000, "EUR")  # 6,000 CAD
    intake.save()
    shortlisted(intake, "Big", 90, [alpha], stipend=3500)
    shortlisted(intake, "Small", 50, [beta], stipend=3000)
    run = run_now(intake, manager)
    slate = entries(run)
    assert run.budget == Decimal("6000.00") and slate["Big"].stipend == Decimal("3000.00")
    assert slate["Small"].host == beta  # 3,000 + 3,000 fits the 6,000 CAD pool


def test_a_second_run_while_one_is_queued_is_refused(intake, manager, field):
    run = services.start_run(intake, by=manager)  # queued: its task has not run
    with pytest.raises(ValidationError, match="Run 1 is still under way"):
        services.start_run(intake, by=manager)
    assert SelectionRun.objects.count() == 1
    services.execute_run(run)
    assert services.start_run(intake, by=manager).number == 2


@pytest.mark.parametrize(
    "change, message",
    [
        ({"closes_at": timezone.now() + datetime.timedelta(days=1)}, "still open"),
        ({"stipend_budget": Money(0, "CAD")}, "budget pool is empty"),
    ],
)
def test_a_run_is_refused_for_an_open_intake_or_no_budget(intake, manager, field, change, message):
    for name, value in change.items():
        setattr(intake, name, value)
    intake.save()
    with pytest.raises(ValidationError, match=message):
        services.start_run(intake, by=manager)
    assert not SelectionRun.objects.exists()


def test_a_run_is_refused_without_desks_or_for_someone_not_managing(intake, manager, field):
    intake.desk_offers.all().delete()
    with pytest.raises(ValidationError, match="no desks"):
        services.start_run(intake, by=manager)
    with pytest.raises(PermissionDenied):
        services.start_run(intake, by=factories.UserFactory())


def test_a_run_executed_twice_has_no_second_effect(intake, manager, field):
    run = run_now(intake, manager)
    first = list(run.entries.values_list("pk", "host"))
    tasks.run_selection(run_id=run.pk)  # a retried or duplicated task
    assert list(run.entries.values_list("pk", "host")) == first


def test_a_failed_run_says_why_and_leaves_nothing_half_done(intake, manager, field, monkeypatch):
    def broken(problem):
        raise RuntimeError("The solver found no solution: infeasible")

    monkeypatch.setattr(selection, "solve", broken)
    run = run_now(intake, manager)
    assert run.status == RunStatus.FAILED
    assert "infeasible" in run.error
    assert not run.entries.exists()
    assert set(field["ada"].__class__.objects.values_list("status", flat=True)) == {S.SHORTLISTED}
    # The intake is free for another run.
    assert services.start_run(intake, by=manager).number == 2


def test_a_run_moves_only_through_its_table_with_an_event_for_each_change(
    intake, manager, field, monkeypatch
):
    run = run_now(intake, manager)
    assert list(run.events.values_list("from_status", "to_status", "actor")) == [
        (RunStatus.QUEUED, RunStatus.RUNNING, None),
        (RunStatus.RUNNING, RunStatus.DONE, None),
    ]
    with pytest.raises(ValidationError) as refused:
        services.change_run_status(run, to=RunStatus.RUNNING)
    assert refused.value.messages == ["A selection run that is done cannot become running."]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.events.count() == 2

    def broken(problem):
        raise RuntimeError("infeasible")

    monkeypatch.setattr(selection, "solve", broken)
    failed = run_now(intake, manager)
    assert list(failed.events.values_list("to_status", "note")) == [
        (RunStatus.RUNNING, ""),
        (RunStatus.FAILED, "RuntimeError: infeasible"),
    ]


# Adjusting, checking, confirming ---------------------------------------------------------------


def test_an_adjusted_slate_that_breaks_a_constraint_is_refused_by_name(
    intake, manager, field, hosts
):
    alpha, _beta = hosts
    run = run_now(intake, manager, min_score=50)
    services.adjust_slate(run, by=manager, application_id=field["cy"].pk, host_id=alpha.pk)
    slate = entries(run)
    assert slate["Cy"].host == alpha and slate["Cy"].proposed_host is None
    with pytest.raises(ValidationError) as refused:
        services.confirm_slate(run, by=manager)
    assert refused.value.messages == ["Alpha has 2 offers for 1 desks."]
    assert not Offer.objects.exists()
    assert set(type(field["ada"]).objects.values_list("status", flat=True)) == {S.SHORTLISTED}
    # Dropping Ada makes it whole again; she is waitlisted, dropped by a manager.
    services.adjust_slate(run, by=manager, application_id=field["ada"].pk, host_id=None)
    ada = entries(run)["Ada"]
    assert ada.reason == NotOffered.DROPPED and ada.waitlist_position == 1
    services.confirm_slate(run, by=manager)
    assert Offer.objects.count() == 2


def test_a_slate_over_budget_or_below_minimum_is_refused(intake, manager, field, hosts):
    _alpha, beta = hosts
    intake.stipend_budget = Money(6000, "CAD")
    intake.save()
    run = run_now(intake, manager, min_score=50)
    services.adjust_slate(run, by=manager, application_id=field["bo"].pk, host_id=None)
    services.adjust_slate(run, by=manager, application_id=field["di"].pk, host_id=beta.pk)
    services.adjust_slate(run, by=manager, application_id=field["cy"].pk, host_id=None)
    with pytest.raises(ValidationError) as refused:
        services.confirm_slate(run, by=manager)
    assert refused.value.messages == ["Di scores below the run's minimum of 50.00."]


def test_an_adjustment_to_a_host_the_applicant_did_not_choose_is_refused(
    intake, manager, field, hosts
):
    _alpha, beta = hosts
    run = run_now(intake, manager)
    with pytest.raises(ValidationError, match="Cy did not ask for that host"):
        services.adjust_slate(run, by=manager, application_id=field["cy"].pk, host_id=beta.pk)
    assert entries(run)["Cy"].host is None


def test_confirmation_applies_every_decision_and_holds_the_emails(intake, manager, field, hosts):
    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)
    statuses = dict(type(field["ada"]).objects.values_list("company__name", "status"))
    assert statuses == {"Ada": S.OFFERED, "Bo": S.OFFERED, "Cy": S.WAITLISTED, "Di": S.NOT_SELECTED}
    assert ApplicationEvent.objects.filter(to_status=S.OFFERED, actor=manager).count() == 2
    held = OutgoingEmail.objects.filter(status=EmailStatus.HELD)
    assert held.count() == 4 and mail.outbox == []
    assert Offer.objects.get(application=field["ada"]).deadline is None  # opens at release
    intake.refresh_from_db()
    assert intake.slate_confirmed_at is not None


def test_a_second_confirmation_is_refused_and_queues_nothing(intake, manager, field):
    run = run_now(intake, manager)
    services.confirm_slate(run, by=manager)
    with pytest.raises(ValidationError, match="already confirmed"):
        services.confirm_slate(run, by=manager)
    assert OutgoingEmail.objects.count() == 4 and Offer.objects.count() == 2


def test_confirmation_is_refused_when_an_applicant_left_the_shortlist(intake, manager, field):
    run = run_now(intake, manager)
    services.unshortlist(field["di"], by=manager)
    with pytest.raises(ValidationError, match="Di is in review now"):
        services.confirm_slate(run, by=manager)
    assert not Offer.objects.exists()


def test_released_decisions_go_out_exactly_once(
    intake, manager, field, django_capture_on_commit_callbacks
):
    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_decisions(intake, by=manager) == 4
    assert len(mail.outbox) == 4
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 4
    offer = Offer.objects.get(application=field["ada"])
    assert offer.deadline > timezone.now() + datetime.timedelta(days=9)
    ada = next(m for m in mail.outbox if m.to == ["owner@ada.example"])
    assert "Alpha" in ada.body and "Stipend: CA$3,000.00\n" in ada.body
    # Released again, retried task, the beat sweep: nothing more goes out.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_decisions(intake, by=manager) == 0
    for email in OutgoingEmail.objects.all():
        tasks_send(email.pk)
    assert len(mail.outbox) == 4


def tasks_send(email_id):
    from portal import tasks as portal_tasks

    portal_tasks.send_email(email_id=email_id)


# Offers ------------------------------------------------------------------------------------------


@pytest.fixture
def released(intake, manager, field, django_capture_on_commit_callbacks):
    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_decisions(intake, by=manager)
    mail.outbox.clear()
    return {name: Offer.objects.filter(application=a).first() for name, a in field.items()}


def test_the_owner_accepts_an_offer(released, field):
    services.accept_offer(released["ada"], by=field["ada"].owner)
    released["ada"].refresh_from_db()
    assert released["ada"].status == OfferStatus.ACCEPTED
    field["ada"].refresh_from_db()
    assert field["ada"].status == S.ACCEPTED


def test_only_the_owner_answers_and_never_someone_elses_offer(released, field):
    staff = factories.CompanyMemberFactory(company=field["ada"].company, role="staff").user
    for person in [staff, field["bo"].owner]:
        with pytest.raises(PermissionDenied):
            services.accept_offer(released["ada"], by=person)
    assert Offer.objects.get(pk=released["ada"].pk).status == OfferStatus.OPEN


def test_accepting_after_the_deadline_is_refused(released, field):
    late = released["ada"].deadline + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="This offer expired on"):
        services.accept_offer(released["ada"], by=field["ada"].owner, now=late)
    field["ada"].refresh_from_db()
    assert field["ada"].status == S.OFFERED


def test_a_decline_offers_the_seat_to_the_best_waitlisted_applicant_who_fits(
    released, field, hosts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _offer, promoted = services.decline_offer(
            released["ada"], by=field["ada"].owner, reason="Timing"
        )
    assert promoted.application == field["cy"] and promoted.host == hosts[0]
    assert promoted.replaces == released["ada"] and promoted.deadline is not None
    field["cy"].refresh_from_db()
    assert field["cy"].status == S.OFFERED
    assert [m.to for m in mail.outbox] == [["owner@cy.example"]]
    # The seat is offered again only once.
    assert services.fill_seat(released["ada"], by=None) is None


def test_an_offer_ends_once_through_its_table_with_the_applications_event(released, field):
    offer, _promoted = services.decline_offer(
        released["ada"], by=field["ada"].owner, reason="Timing"
    )
    assert (offer.status, offer.decline_reason, offer.answered_by) == (
        OfferStatus.DECLINED, "Timing", field["ada"].owner,
    )  # fmt: skip
    event = field["ada"].events.order_by("pk").last()
    assert (event.from_status, event.to_status, event.note) == ("offered", "declined", "Timing")
    # Answered offers end there, whoever asks: the table has no way out of them.
    locked = Offer.objects.get(pk=offer.pk)
    with pytest.raises(ValidationError, match="This offer is already declined."):
        services.close_offer(locked, to=OfferStatus.EXPIRED, by=None, now=timezone.now())
    locked.refresh_from_db()
    assert locked.status == OfferStatus.DECLINED


def test_a_freed_seat_goes_to_nobody_who_did_not_choose_its_host(released, field):
    _offer, promoted = services.decline_offer(released["bo"], by=field["bo"].owner)  # Beta
    assert promoted is None  # Cy chose only Alpha; Di is below the minimum
    assert field["cy"].__class__.objects.get(pk=field["cy"].pk).status == S.WAITLISTED


def test_an_expired_offer_is_closed_once_and_its_seat_offered_again(released, field):
    later = released["ada"].deadline + datetime.timedelta(hours=1)
    services.expire_offers(now=later)
    services.expire_offers(now=later)
    released["ada"].refresh_from_db()
    assert released["ada"].status == OfferStatus.EXPIRED
    assert Offer.objects.filter(replaces=released["ada"]).count() == 1
    field["ada"].refresh_from_db()
    assert field["ada"].status == S.NOT_SELECTED


# Everyone hears back ------------------------------------------------------------------------------


def never_shortlisted(intake, name, status=S.IN_REVIEW):
    """An application of the intake that never reached the shortlist, with an owner."""
    company = factories.CompanyFactory(name=name)
    factories.CompanyMemberFactory(company=company, user__email=f"owner@{name.lower()}.example")
    return factories.ApplicationFactory(
        company=company, intake=intake, status=status, submitted_at=timezone.now()
    )


def test_confirmation_decides_every_live_application_and_closes_its_reviews(
    intake, manager, field, django_capture_on_commit_callbacks
):
    eve = never_shortlisted(intake, "Eve")
    never_shortlisted(intake, "Fay", status=S.INELIGIBLE)
    never_shortlisted(intake, "Gil", status=S.DRAFT)
    review = factories.ReviewFactory(application=eve)
    assert queries.review_counts(review.reviewer)["to_do"] == 1
    run = run_now(intake, manager, min_score=50)

    plan = services.plan_decisions(run, list(run.entries.select_related("application__company")))
    assert [e.application.company.name for e in plan.offered] == ["Ada", "Bo"]
    assert [e.application.company.name for e in plan.waitlisted] == ["Cy"]
    assert [a.company.name for a in plan.not_selected] == ["Di", "Eve"]
    assert [a.company.name for a in plan.ineligible] == ["Fay"]
    assert plan.problems == []

    services.confirm_slate(run, by=manager)
    statuses = dict(type(eve).objects.values_list("company__name", "status"))
    assert statuses == {
        "Ada": S.OFFERED, "Bo": S.OFFERED, "Cy": S.WAITLISTED, "Di": S.NOT_SELECTED,
        "Eve": S.NOT_SELECTED, "Fay": S.INELIGIBLE, "Gil": S.DRAFT,
    }  # fmt: skip
    event = eve.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        S.IN_REVIEW, S.NOT_SELECTED, manager,
    )  # fmt: skip
    assert event.note == f"Selection run {run.number}, confirmed."
    # Eve's review is closed: off the reviewer's to-do list, and it can no longer be given.
    assert queries.review_counts(review.reviewer)["to_do"] == 0
    with pytest.raises(ValidationError, match="no longer in review"):
        services.save_review(review, by=review.reviewer, values={}, comment="", recommendation="")
    assert OutgoingEmail.objects.filter(status=EmailStatus.HELD).count() == 6
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_decisions(intake, by=manager) == 6
    told = {message.to[0]: message for message in mail.outbox}
    assert sorted(told) == [
        f"owner@{name}.example" for name in ["ada", "bo", "cy", "di", "eve", "fay"]
    ]
    assert told["owner@eve.example"].subject == f"The decision on your application: {intake.title}"
    assert f"Eve was not selected for “{intake.title}” this time." in told["owner@eve.example"].body
    assert told["owner@fay.example"].subject == f"The decision on your application: {intake.title}"
    assert (
        f"Fay does not meet the rules of “{intake.title}”, so it was not considered for a place."
        in told["owner@fay.example"].body
    )


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        (S.SCREENING, "Eve waits for screening: decide its eligibility before confirming."),
        (S.SUBMITTED, "Eve waits for screening: decide its eligibility before confirming."),
        (S.SHORTLISTED, "Eve was shortlisted after this run: start a new run to include it."),
    ],
)
def test_confirmation_is_refused_while_an_application_is_undecided(
    intake, manager, field, status, problem
):
    run = run_now(intake, manager, min_score=50)
    never_shortlisted(intake, "Eve", status=status)
    with pytest.raises(ValidationError) as refused:
        services.confirm_slate(run, by=manager)
    assert refused.value.messages == [problem]
    assert not Offer.objects.exists() and not OutgoingEmail.objects.exists()


# Freed seats offered by hand --------------------------------------------------------------------


def test_a_manager_offers_a_freed_seat_the_waitlist_could_not_fill(
    released, field, hosts, intake, manager, django_capture_on_commit_callbacks
):
    alpha, beta = hosts
    # Eve, still in review at confirmation, was not selected; she ranked Beta.
    eve = shortlisted(intake, "Eve", 60, [beta])
    factories.set_status(eve, S.NOT_SELECTED)
    _offer, promoted = services.decline_offer(
        released["bo"], by=field["bo"].owner, reason="We open in Lisbon first."
    )
    assert promoted is None  # Cy chose only Alpha; Di is below the minimum
    seat = queries.free_seats(intake).get()
    assert (seat, seat.decline_reason) == (released["bo"], "We open in Lisbon first.")
    candidates = queries.seat_candidates(intake, [beta.pk])
    assert [a.company.name for a in candidates[beta.pk]] == ["Di", "Eve"]

    with django_capture_on_commit_callbacks(execute=True):
        offer = services.offer_freed_seat(seat, by=manager, application_id=eve.pk)
    assert (offer.application_id, offer.host, offer.replaces) == (eve.pk, beta, seat)
    assert offer.stipend == Decimal("3000.00") and offer.deadline is not None
    eve.refresh_from_db()
    assert eve.status == S.OFFERED
    event = eve.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        S.NOT_SELECTED, S.OFFERED, manager, "A place opened at Beta.",
    )  # fmt: skip
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["owner@eve.example"], f"A place for you: {intake.title}")
    ]
    assert not queries.free_seats(intake).exists()
    with pytest.raises(ValidationError, match="This seat is already offered to Eve."):
        services.offer_freed_seat(seat, by=manager, application_id=field["di"].pk)


def test_a_freed_seat_by_hand_is_checked_as_an_adjusted_slate(
    released, field, hosts, intake, manager
):
    alpha, beta = hosts
    services.decline_offer(released["bo"], by=field["bo"].owner)
    seat = Offer.objects.get(pk=released["bo"].pk)
    with pytest.raises(ValidationError) as refused:
        services.offer_freed_seat(seat, by=manager, application_id=field["di"].pk)
    assert refused.value.messages == ["Di scores below the run's minimum of 50.00."]
    with pytest.raises(ValidationError, match="Cy did not ask for Beta."):
        services.offer_freed_seat(seat, by=manager, application_id=field["cy"].pk)
    with pytest.raises(ValidationError, match="Ada is offered"):
        services.offer_freed_seat(seat, by=manager, application_id=field["ada"].pk)
    with pytest.raises(PermissionDenied):
        services.offer_freed_seat(seat, by=field["di"].owner, application_id=field["di"].pk)
    # An open offer's seat is not free.
    with pytest.raises(ValidationError, match="This seat is not free"):
        services.offer_freed_seat(released["ada"], by=manager, application_id=field["cy"].pk)
    assert Offer.objects.count() == 2


def test_no_run_while_a_drafts_extension_is_open_and_no_submission_once_decided(
    intake, manager, field
):
    """A draft extended past the close kept its extension while the slate was confirmed; it
    was then submitted and screened into review, never decided (no second slate)."""
    from applications.models import Application

    late = factories.ApplicationFactory(intake=intake, status=S.DRAFT)
    until = timezone.now() + datetime.timedelta(days=3)
    Application.objects.filter(pk=late.pk).update(deadline_override=until)
    problems = services.why_no_run(intake)
    assert any(problem.startswith("A draft's deadline is extended to") for problem in problems)
    with pytest.raises(ValidationError, match="extended"):
        services.start_run(intake, by=manager)

    Application.objects.filter(pk=late.pk).update(deadline_override=None)
    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)
    with pytest.raises(ValidationError, match="decisions are made"):
        services.extend_deadline(late, by=manager, until=until, reason="Flood")
    with pytest.raises(ValidationError, match="decisions are made"):
        services.submit_application(late, by=manager)


def test_no_slate_confirmed_while_an_extension_given_after_the_run_is_open(intake, manager, field):
    """Run, then an extension, then the confirmation: the firm told it may submit until then
    was refused ("decisions are made") before its extended deadline."""
    from applications.models import Application

    run = run_now(intake, manager, min_score=50)
    late = factories.ApplicationFactory(intake=intake, status=S.DRAFT)
    until = timezone.now() + datetime.timedelta(days=3)
    Application.objects.filter(pk=late.pk).update(deadline_override=until)
    with pytest.raises(ValidationError, match="extended"):
        services.confirm_slate(run, by=manager)
    intake.refresh_from_db()
    assert intake.slate_confirmed_at is None
