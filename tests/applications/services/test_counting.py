"""The values kept for the list pages (services/counting.py) equal what a fresh count of the
rows gives after every change, single or in bulk, and the recount helpers rebuild them."""

import datetime
from collections import Counter

import pytest
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from applications import queries, services
from applications.enums import (
    HOST_FIT_STATUSES,
    REVIEWABLE,
    ApplicationStatus,
    HostFit,
    ReviewAttention,
    RunStatus,
)
from applications.filters import ReviewFilter
from applications.models import (
    Application,
    ApplicationScore,
    Conflict,
    FilterCount,
    HostFitOpinion,
    HostFitTally,
    HostPreference,
    Review,
    ReviewerTally,
    SelectionRun,
    StatusCount,
    WorkCount,
)
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.applications.conftest import run_now

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def assert_kept_values_are_fresh(intake):
    """Every kept value of the intake against a count of its rows made now."""
    kept = dict(
        StatusCount.objects.filter(intake=intake, count__gt=0).values_list("status", "count")
    )
    counted = dict(
        Application.objects.filter(intake=intake).values_list("status").annotate(n=Count("*"))
    )
    assert kept == counted
    fresh_filters = Counter()
    for application in Application.objects.filter(intake=intake).prefetch_related(
        "company__sector", "host_preferences__host__market"
    ):
        # What the review dashboard's filter finds for this one application, asked afresh
        # (whatever its status: the counts are kept per status).
        one = Application.objects.filter(pk=application.pk).annotate(
            spread=F("score_summary__spread"), reviews_in=F("score_summary__reviews_in")
        )
        finder = ReviewFilter({}, queryset=one, intake=intake)
        pairs = {
            ("attention", value)
            for value in ReviewAttention.values
            if finder.by_attention(one, "attention", value).exists()
        }
        if application.company.sector_id:
            pairs.add(("sector", application.company.sector.code))
        for preference in application.host_preferences.all():
            pairs |= {
                ("host", str(preference.host_id)),
                ("market", preference.host.market.country.code),
            }
        fresh_filters.update((application.status, facet, value) for facet, value in pairs)
    assert {
        (row.status, row.facet, row.value): row.count
        for row in FilterCount.objects.filter(intake=intake, count__gt=0)
    } == dict(fresh_filters)
    tallies = {
        t.reviewer_id: (t.assigned, t.done, t.scored, t.to_do, t.score_total)
        for t in ReviewerTally.objects.filter(intake=intake)
    }
    fresh = {
        row["reviewer_id"]: (row["a"], row["d"], row["s"], row["o"], row["t"])
        for row in Review.objects.filter(intake=intake)
        .values("reviewer_id")
        .annotate(
            a=Count("*"),
            d=Count("submitted_at"),
            s=Count("score"),
            o=Count("pk", filter=Q(submitted_at__isnull=True, application__status__in=REVIEWABLE)),
            t=Sum("score", default=0),
        )
    }
    assert tallies == fresh
    reviews = Review.objects.filter(intake=intake)
    assert set(reviews.filter(to_do=True).values_list("pk", flat=True)) == set(
        reviews.filter(submitted_at__isnull=True, application__status__in=REVIEWABLE).values_list(
            "pk", flat=True
        )
    )
    preferences = HostPreference.objects.filter(application__intake=intake)
    assert set(preferences.filter(in_fit_queue=True).values_list("pk", flat=True)) == set(
        preferences.filter(application__status__in=HOST_FIT_STATUSES).values_list("pk", flat=True)
    )
    tallies = {t.host_id: (t.queued, t.waiting) for t in HostFitTally.objects.exclude(queued=0)}
    queued = HostPreference.objects.filter(in_fit_queue=True).values("host_id")
    assert tallies == {
        row["host_id"]: (row["q"], row["w"])
        for row in queued.annotate(q=Count("*"), w=Count("pk", filter=Q(opinion="")))
    }
    for preference in preferences:
        opinion = HostFitOpinion.objects.filter(
            application=preference.application_id, host=preference.host_id
        ).first()
        assert preference.opinion == (opinion.opinion if opinion else "")
    field = f"score_summary__{'calibrated' if intake.calibrate_scores else 'raw'}_"
    ranked = Application.objects.filter(intake=intake).values_list(
        "pk", "rank_score", field + intake.score_aggregate
    )
    assert [(pk, kept) for pk, kept, _fresh in ranked] == [(pk, f) for pk, _k, f in ranked]
    assert kept_work(intake) == services.work_counts(intake.pk)


def kept_work(intake):
    """The intake's kept work counts (WorkCount), zeros when it has no row yet."""
    row = WorkCount.objects.filter(intake=intake).values(*WorkCount.KINDS).first()
    return row or dict.fromkeys(WorkCount.KINDS, 0)


@pytest.fixture
def review_world():
    intake = factories.IntakeFactory(reviewers_per_application=2)
    for name in ["Fit", "Market"]:
        factories.RubricCriterionFactory(intake=intake, name=name)
    manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    reviewers = [
        factories.ProgramStaffFactory(
            program=intake.program, role=StaffRole.REVIEWER, user__email=f"r{n}@panel{n}.example"
        ).user
        for n in range(3)
    ]
    host = factories.HostIncubatorFactory(name="Alpha")
    partner = factories.UserFactory()
    host.partner_staff.add(partner)
    applications = []
    for name in ["Ada", "Bo", "Cy"]:
        member = factories.CompanyMemberFactory(company__name=name)
        application = factories.ApplicationFactory(
            company=member.company, intake=intake, status=S.IN_REVIEW, submitted_at=timezone.now()
        )
        factories.HostPreferenceFactory(application=application, host=host, rank=1)
        application.owner = member.user
        applications.append(application)
    return {"intake": intake, "manager": manager, "reviewers": reviewers, "host": host,
            "partner": partner, "applications": applications}  # fmt: skip


def _score(review, *values):
    criteria = [c.pk for c in review.intake.criteria.order_by("pk")]
    services.save_review(
        review, by=review.reviewer, values=dict(zip(criteria, values, strict=True)),
        comment="", recommendation="support",
    )  # fmt: skip


def test_a_new_draft_and_its_withdrawal_are_counted():
    intake = factories.IntakeFactory()
    company = factories.CompanyFactory()
    owner = factories.CompanyMemberFactory(company=company).user
    application = services.start_application(company, intake, by=owner)
    assert queries.status_counts(intake) == {S.DRAFT: 1}
    services.withdraw_application(application, by=owner)
    assert queries.status_counts(intake) == {S.WITHDRAWN: 1}
    assert_kept_values_are_fresh(intake)


def test_the_kept_values_follow_every_step_of_the_review(review_world):
    w = review_world
    intake, manager, (r0, r1, r2) = w["intake"], w["manager"], w["reviewers"]
    ada, bo, cy = w["applications"]
    assert_kept_values_are_fresh(intake)
    created, _short = services.assign_reviewers(intake, by=manager)
    assert len(created) == 6
    assert_kept_values_are_fresh(intake)
    for review in Review.objects.filter(application__in=[ada, bo]).order_by("pk")[:3]:
        _score(review, 4, 5)
        assert_kept_values_are_fresh(intake)
    services.refresh_scores(intake)
    assert_kept_values_are_fresh(intake)
    programs_services.update_review_settings(intake, by=manager, score_aggregate="median")
    assert_kept_values_are_fresh(intake)
    services.shortlist([ada, bo], by=manager)  # in bulk
    assert_kept_values_are_fresh(intake)
    services.give_host_fit(ada, w["host"], by=w["partner"], opinion=HostFit.GOOD)
    assert queries.host_fit_count(w["partner"]) == 2
    assert queries.host_fit_waiting(w["partner"]) == 1
    assert_kept_values_are_fresh(intake)
    services.unshortlist(bo, by=manager)
    assert_kept_values_are_fresh(intake)
    open_review = Review.objects.filter(application=cy, submitted_at__isnull=True).first()
    services.declare_conflict(open_review, by=open_review.reviewer, reason="My cousin's firm")
    assert_kept_values_are_fresh(intake)
    services.withdraw_application(cy, by=cy.owner)
    assert_kept_values_are_fresh(intake)
    for reviewer in [r0, r1, r2]:
        programs_services.revoke_program_role(
            intake.program, user=reviewer, role=StaffRole.REVIEWER
        )
    assert_kept_values_are_fresh(intake)
    assert queries.status_counts(intake) == {S.SHORTLISTED: 1, S.IN_REVIEW: 1, S.WITHDRAWN: 1}
    # Each reviewer keeps the one review given; those not given went with the role.
    assert sorted(ReviewerTally.objects.values_list("assigned", "done")) == [(1, 1)] * 3


def test_the_kept_values_follow_the_slate_the_offers_and_the_waitlist(
    intake, manager, field, django_capture_on_commit_callbacks
):
    assert_kept_values_are_fresh(intake)
    services.confirm_slate(run_now(intake, manager, min_score=50), by=manager)  # in bulk
    assert queries.status_counts(intake) == {S.OFFERED: 2, S.WAITLISTED: 1, S.NOT_SELECTED: 1}
    assert_kept_values_are_fresh(intake)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_decisions(intake, by=manager)
    offers = {a.company.name: a.offer for a in field.values() if hasattr(a, "offer")}
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_offer(offers["Ada"], by=field["ada"].owner, reason="Timing")
    assert_kept_values_are_fresh(intake)  # the waitlisted Cy offered the seat
    services.accept_offer(offers["Bo"], by=field["bo"].owner)
    assert_kept_values_are_fresh(intake)
    later = timezone.now() + datetime.timedelta(days=60)
    services.expire_offers(now=later)
    assert_kept_values_are_fresh(intake)
    assert queries.status_counts(intake) == {
        S.ACCEPTED: 1, S.DECLINED: 1, S.NOT_SELECTED: 2,
    }  # fmt: skip


def test_the_recount_helpers_rebuild_values_written_without_the_services(review_world):
    intake, ada = review_world["intake"], review_world["applications"][0]
    Application.objects.filter(pk=ada.pk).update(status=S.SHORTLISTED)
    Review.objects.create(application=ada, intake=intake, reviewer=review_world["reviewers"][0])
    ApplicationScore.objects.create(
        application=ada, intake=intake, raw_mean=70, computed_at=timezone.now()
    )
    services.recount_statuses(intake.pk)
    services.recount_filters(intake.pk)
    services.recount_reviewers(intake.pk, to_do=True)
    services.recount_fit_queue([ada.pk])
    services.rank_applications(intake)
    assert queries.status_counts(intake) == {S.SHORTLISTED: 1, S.IN_REVIEW: 2}
    assert_kept_values_are_fresh(intake)


def test_recount_work_rebuilds_the_work_written_without_the_services(review_world):
    intake, ada = review_world["intake"], review_world["applications"][0]
    Application.objects.filter(pk=ada.pk).update(status=S.SCREENING)
    Review.objects.create(
        application=review_world["applications"][1], intake=intake,
        reviewer=review_world["reviewers"][0],
    )  # fmt: skip
    Conflict.objects.create(
        reviewer=review_world["reviewers"][1], company=ada.company, intake=intake, reason="Ex"
    )
    SelectionRun.objects.create(
        intake=intake, number=1, started_by=review_world["manager"], status=RunStatus.DONE
    )
    services.recount_work(intake.pk)
    assert kept_work(intake) == {"to_screen": 1, "conflicts": 1, "open_reviews": 1}


def test_the_kept_work_follows_a_conflict_declared_and_resolved(review_world):
    w = review_world
    intake, ada = w["intake"], w["applications"][0]
    services.assign_reviewers(intake, by=w["manager"])
    assert kept_work(intake) == {"to_screen": 0, "conflicts": 0, "open_reviews": 6}
    review = Review.objects.filter(application=ada).order_by("pk").first()
    services.declare_conflict(review, by=review.reviewer, reason="My cousin's firm")
    assert kept_work(intake) == {"to_screen": 0, "conflicts": 1, "open_reviews": 5}
    assert_kept_values_are_fresh(intake)
    taken = set(Review.objects.filter(application=ada).values_list("reviewer", flat=True))
    free = next(r for r in w["reviewers"] if r.pk not in taken | {review.reviewer_id})
    services.assign_reviewer(ada, free, by=w["manager"])  # the replacement resolves it
    assert kept_work(intake) == {"to_screen": 0, "conflicts": 0, "open_reviews": 6}
    assert_kept_values_are_fresh(intake)


def test_the_work_queue_counts_reviews_overdue_after_the_deadline_and_runs_until_a_slate(
    review_world,
):
    w = review_world
    intake, manager = w["intake"], w["manager"]
    services.assign_reviewers(intake, by=manager)
    SelectionRun.objects.create(intake=intake, number=1, started_by=manager, status=RunStatus.DONE)
    services.recount_work(intake.pk)
    now = timezone.now()
    intake.reviews_due_at = now + datetime.timedelta(days=1)
    intake.save(update_fields=["reviews_due_at"])
    (row,) = queries.work_queue(manager, now=now)
    assert (row["overdue_reviews"], row["runs_to_confirm"]) == (0, 1)
    intake.reviews_due_at = now - datetime.timedelta(days=1)
    intake.slate_confirmed_at = now
    intake.save(update_fields=["reviews_due_at", "slate_confirmed_at"])
    (row,) = queries.work_queue(manager, now=now)
    assert (row["overdue_reviews"], row["runs_to_confirm"]) == (6, 0)


def test_the_reviewers_list_is_counted_from_the_tallies_of_the_intakes_they_review_now(
    review_world,
):
    w = review_world
    services.assign_reviewers(w["intake"], by=w["manager"])
    reviewer = w["reviewers"][0]
    assert queries.assignment_count(reviewer) == 2
    assert len(queries.assignment_rows(reviewer)) == 2
    programs_services.revoke_program_role(
        w["intake"].program, user=reviewer, role=StaffRole.REVIEWER
    )
    assert queries.assignment_count(reviewer) == 0


def test_the_reviewers_dashboard_numbers_come_from_the_tallies_in_one_query(
    review_world, django_assert_num_queries
):
    w = review_world
    intake, reviewer = w["intake"], w["reviewers"][0]
    due = timezone.now() + datetime.timedelta(days=9)
    intake.reviews_due_at = due
    intake.save(update_fields=["reviews_due_at"])
    services.assign_reviewers(intake, by=w["manager"])
    with django_assert_num_queries(1):
        counts = queries.review_counts(reviewer)
    assert counts == {"total": 2, "to_do": 2, "done": 0, "next_due": due}
    first, second = Review.objects.filter(reviewer=reviewer).order_by("pk")
    _score(first, 4, 5)
    assert queries.review_counts(reviewer) == {"total": 2, "to_do": 1, "done": 1, "next_due": due}
    # The other application withdrawn: its review is no longer to do, and nothing is due.
    application = second.application
    owner = application.company.members.get().user
    services.withdraw_application(application, by=owner)
    assert queries.review_counts(reviewer) == {
        "total": 2, "to_do": 0, "done": 1, "next_due": None,
    }  # fmt: skip
    assert_kept_values_are_fresh(intake)
    programs_services.revoke_program_role(intake.program, user=reviewer, role=StaffRole.REVIEWER)
    assert queries.review_counts(reviewer) == {"total": 0, "to_do": 0, "done": 0, "next_due": None}


def test_the_list_filter_counts_follow_hosts_ranked_the_sector_and_the_market_changed(
    django_assert_num_queries,
):
    intake = factories.IntakeFactory()
    brazil, germany = (factories.ForeignMarketFactory(country=c) for c in ["BR", "DE"])
    alpha, beta, gamma = (
        factories.DeskOfferFactory(intake=intake, host__name=name, host__market=market).host
        for name, market in [("Alpha", brazil), ("Beta", brazil), ("Gamma", germany)]
    )
    member = factories.CompanyMemberFactory(company__sector=factories.sector("it"))
    owner, company = member.user, member.company
    application = services.start_application(company, intake, by=owner)
    assert queries.list_total(intake, facet="sector", value="it") == 1
    application = services.set_host_preferences(
        application, by=owner, version=application.version, hosts=[alpha, beta]
    )
    # Two hosts in Brazil: the application counts once for the market.
    assert queries.list_total(intake, facet="market", value="BR") == 1
    assert queries.list_total(intake, facet="host", value=str(alpha.pk)) == 1
    assert_kept_values_are_fresh(intake)
    application = services.set_host_preferences(
        application, by=owner, version=application.version, hosts=[gamma]
    )
    assert queries.list_total(intake, facet="market", value="BR") == 0
    assert queries.list_total(intake, facet="market", value="DE") == 1
    assert queries.list_total(intake, facet="host", value=str(alpha.pk)) == 0
    services.update_company(company, by=owner, sector=factories.sector("finance"))
    assert queries.list_total(intake, facet="sector", value="it") == 0
    with django_assert_num_queries(1):
        assert queries.list_total(intake, statuses=[S.DRAFT], facet="sector", value="finance") == 1
    # The host moves to Brazil (a manager's edit): the market counts follow.
    gamma.market = brazil
    programs_services.save_host(gamma, sectors=[])
    assert queries.list_total(intake, facet="market", value="DE") == 0
    assert queries.list_total(intake, facet="market", value="BR") == 1
    services.withdraw_application(application, by=owner)
    assert queries.list_total(intake, statuses=[S.DRAFT], facet="market", value="BR") == 0
    assert queries.list_total(intake, statuses=[S.WITHDRAWN], facet="market", value="BR") == 1
    assert_kept_values_are_fresh(intake)


def test_the_needs_attention_counts_follow_scores_settings_and_host_fit(review_world, client):
    w = review_world
    intake, manager, host, partner = w["intake"], w["manager"], w["host"], w["partner"]
    ada, bo, cy = w["applications"]
    services.assign_reviewers(intake, by=manager)
    first, second = Review.objects.filter(application=ada).order_by("pk")
    _score(first, 1, 1)
    _score(second, 5, 5)
    services.refresh_scores(intake)
    assert_kept_values_are_fresh(intake)

    def total(attention):
        return queries.list_total(
            intake, statuses=[S.IN_REVIEW, S.SHORTLISTED], facet="attention", value=attention
        )

    spread = ApplicationScore.objects.get(application=ada).spread
    assert spread >= intake.disagreement_points
    assert (total("disagreement"), total("unscored"), total("not-a-fit")) == (1, 2, 0)
    intake = programs_services.update_review_settings(
        intake, by=manager, disagreement_points=int(spread) + 1
    )
    assert total("disagreement") == 0
    assert_kept_values_are_fresh(intake)
    intake = programs_services.update_review_settings(intake, by=manager, disagreement_points=1)
    assert total("disagreement") == 1
    services.shortlist([ada, bo], by=manager)
    services.give_host_fit(ada, host, by=partner, opinion=HostFit.NOT_A_FIT)
    assert total("not-a-fit") == 1
    assert_kept_values_are_fresh(intake)
    services.give_host_fit(ada, host, by=partner, opinion=HostFit.GOOD)
    assert total("not-a-fit") == 0
    services.give_host_fit(bo, host, by=partner, opinion=HostFit.NOT_A_FIT)
    assert_kept_values_are_fresh(intake)
    # The dashboard filtered by what needs attention counts from the kept rows.
    client.force_login(manager)
    url = reverse("applications:review_dashboard", args=[intake.pk])
    response = client.get(url, {"attention": "not-a-fit"})
    assert response.context["page"].paginator.count == 1
    assert [row["company"] for row in response.context["rows"]] == ["Bo"]


def test_the_night_recount_mends_a_work_count_gone_wrong_in_open_intakes_only(review_world):
    intake = review_world["intake"]
    archived = factories.IntakeFactory(archived_at=timezone.now())
    services.assign_reviewers(intake, by=review_world["manager"])
    for wrong in (intake, archived):
        WorkCount.objects.update_or_create(intake=wrong, defaults={"conflicts": 4})
    assert services.recount_open_work() == [intake.pk]
    assert kept_work(intake) == {"to_screen": 0, "conflicts": 0, "open_reviews": 6}
    assert kept_work(archived)["conflicts"] == 4  # archived: left as it is
    assert services.recount_open_work() == []


def test_the_beat_recounts_the_work_at_night_and_logs_what_it_mended(review_world, caplog):
    from django.conf import settings

    from applications import tasks

    assert settings.CELERY_BEAT_SCHEDULE["recount-work"]["task"] == "applications.recount_work"
    intake = review_world["intake"]
    WorkCount.objects.update_or_create(intake=intake, defaults={"to_screen": 2})
    with caplog.at_level("WARNING", logger="applications.tasks"):
        tasks.recount_work()
    assert caplog.messages == [f"Work counts were wrong and are mended for intakes [{intake.pk}]."]
    assert kept_work(intake)["to_screen"] == 0


def test_the_night_recount_mends_the_reviewers_tallies_the_work_is_counted_from(review_world):
    w = review_world
    intake, (ada, bo, _cy) = w["intake"], w["applications"]
    factories.ReviewFactory(application=ada, reviewer=w["reviewers"][0])
    # A tally gone wrong (a row changed by hand, say) would bring a mended count back wrong.
    ReviewerTally.objects.filter(intake=intake, reviewer=w["reviewers"][0]).update(to_do=5)
    services.recount_open_work()
    assert kept_work(intake)["open_reviews"] == 1
    services.assign_reviewer(bo, w["reviewers"][0], by=w["manager"])
    assert kept_work(intake)["open_reviews"] == 2
    assert_kept_values_are_fresh(intake)
