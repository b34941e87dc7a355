"""Data migrations, run forwards over rows written with the models of their time."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("applications", "0007_selection"), ("programs", "0009_decisions_released")]
AFTER = [("applications", "0009_application_budget_total")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def people_and_intakes(apps, *titles):
    """A firm's owner, a reviewer, and an intake of one program for each of ``titles``, made
    with the models of the state ``apps``."""
    User = apps.get_model("portal", "User")
    Program = apps.get_model("programs", "Program")
    Intake = apps.get_model("programs", "Intake")
    now = timezone.now()
    owner = User.objects.create(email="owner@firm.example")
    reviewer = User.objects.create(email="reviewer@panel.example")
    program = Program.objects.create(name="Program", slug="program")
    intakes = [
        Intake.objects.create(
            program=program, title=title, opens_at=now, closes_at=now + datetime.timedelta(days=30),
            placement_starts_on=now.date() + datetime.timedelta(days=60),
            placement_ends_on=now.date() + datetime.timedelta(days=200),
        )
        for title in titles
    ]  # fmt: skip
    return owner, reviewer, intakes


def applications_of(apps, intake, owner, **statuses):
    """{firm name: its application to ``intake`` in that status}, with the models of ``apps``."""
    Company = apps.get_model("applications", "Company")
    Application = apps.get_model("applications", "Application")
    return {
        name: Application.objects.create(
            company=Company.objects.create(name=name, country="CA"), intake=intake,
            status=status, created_by=owner, updated_by=owner,
        )
        for name, status in statuses.items()
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_existing_reviews_get_their_intake_and_applications_their_budget_total():
    apps = migrate(BEFORE)
    Company = apps.get_model("applications", "Company")
    Application = apps.get_model("applications", "Application")
    Review = apps.get_model("applications", "Review")
    owner, reviewer, intakes = people_and_intakes(apps, "Spring", "Autumn")
    company = Company.objects.create(name="Firm", country="CA")
    applications = [
        Application.objects.create(
            company=company, intake=intake, created_by=owner, updated_by=owner
        )
        for intake in intakes
    ]
    for application in applications:
        Review.objects.create(application=application, reviewer=reviewer)
    BudgetLine = apps.get_model("applications", "BudgetLine")
    for category, amount in [("travel", "1800.50"), ("other", "700")]:
        BudgetLine.objects.create(
            application=applications[0], category=category, amount=amount, rate=1,
            amount_converted=amount,
        )  # fmt: skip

    apps = migrate(AFTER)
    Review = apps.get_model("applications", "Review")
    copied = set(Review.objects.values_list("application__intake_id", "intake_id"))
    assert copied == {(intake.pk, intake.pk) for intake in intakes}
    Application = apps.get_model("applications", "Application")
    totals = dict(Application.objects.values_list("pk", "budget_total"))
    assert totals == {applications[0].pk: Decimal("2500.50"), applications[1].pk: None}
    assert Application.objects.get(pk=applications[0].pk).budget_total_currency == "CAD"
    migrate(latest())  # leave the test database as the other tests expect it


@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_their_kept_counts_flags_and_rank_scores():
    # Programs too: a later programs migration adds NOT NULL columns the historical Intake
    # of this state does not know.
    apps = migrate([("applications", "0014_company_name_order"), ("programs", "0013_input_bounds")])
    Host = apps.get_model("programs", "HostIncubator")
    Market = apps.get_model("programs", "ForeignMarket")
    now = timezone.now()
    owner, reviewer, (intake,) = people_and_intakes(apps, "Spring")
    host = Host.objects.create(
        name="Alpha", market=Market.objects.create(country="DE"), city="Berlin", desk_capacity=2
    )
    made = applications_of(apps, intake, owner, Ada="shortlisted", Bo="in-review", Cy="in-review")
    for application in made.values():
        application.host_preferences.create(host=host, rank=1)
    made["Ada"].host_fit_opinions.create(host=host, opinion="good", given_by=owner)
    made["Ada"].reviews.create(intake=intake, reviewer=reviewer, submitted_at=now, score=80)
    made["Bo"].reviews.create(intake=intake, reviewer=reviewer)
    apps.get_model("applications", "ApplicationScore").objects.create(
        application=made["Ada"], intake=intake, reviews_in=1, raw_mean=80, raw_median=80,
        computed_at=now,
    )  # fmt: skip

    apps = migrate([("applications", "0015_kept_counts")])
    StatusCount = apps.get_model("applications", "StatusCount")
    assert dict(StatusCount.objects.values_list("status", "count")) == {
        "shortlisted": 1, "in-review": 2,
    }  # fmt: skip
    tally = apps.get_model("applications", "ReviewerTally").objects.get()
    assert (tally.assigned, tally.done, tally.scored, tally.score_total) == (2, 1, 1, 80)
    Review = apps.get_model("applications", "Review")
    assert dict(Review.objects.values_list("application__company__name", "to_do")) == {
        "Ada": False, "Bo": True,
    }  # fmt: skip
    HostPreference = apps.get_model("applications", "HostPreference")
    assert sorted(
        HostPreference.objects.values_list("application__company__name", "in_fit_queue", "opinion")
    ) == [("Ada", True, "good"), ("Bo", False, ""), ("Cy", False, "")]
    fit = apps.get_model("applications", "HostFitTally").objects.get()
    assert (fit.host_id, fit.queued, fit.waiting) == (host.pk, 1, 0)
    Application = apps.get_model("applications", "Application")
    assert dict(Application.objects.values_list("company__name", "rank_score")) == {
        "Ada": Decimal("80.00"), "Bo": None, "Cy": None,
    }  # fmt: skip
    migrate(latest())  # leave the test database as the other tests expect it


@pytest.mark.django_db(transaction=True)
def test_existing_intakes_get_the_work_waiting_for_their_managers():
    apps = migrate([("applications", "0020_rank_order_whole_on_sqlite")])
    owner, reviewer, (spring, _autumn) = people_and_intakes(apps, "Spring", "Autumn")
    now = timezone.now()
    made = applications_of(apps, spring, owner, Ada="screening", Bo="in-review", Cy="declined")
    made["Bo"].reviews.create(intake=spring, reviewer=reviewer)
    made["Bo"].reviews.create(intake=spring, reviewer=owner, submitted_at=now, score=70)
    made["Cy"].reviews.create(intake=spring, reviewer=reviewer)  # closed with its application
    Conflict = apps.get_model("applications", "Conflict")
    Conflict.objects.create(reviewer=reviewer, company=made["Ada"].company, intake=spring)
    Conflict.objects.create(
        reviewer=owner, company=made["Cy"].company, intake=spring, resolved_at=now
    )

    apps = migrate([("applications", "0021_work_counts")])
    WorkCount = apps.get_model("applications", "WorkCount")
    assert list(
        WorkCount.objects.values_list("intake__title", "to_screen", "conflicts", "open_reviews")
    ) == [("Spring", 1, 1, 1)]  # the autumn intake has no work: no row
    migrate(latest())  # leave the test database as the other tests expect it
