"""Data migrations, run forwards over rows written with the models of their time."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("applications", "0007_selection"), ("programs", "0009_decisions_released")]
AFTER = [("applications", "0008_review_intake")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_reviews_get_their_applications_intake():
    apps = migrate(BEFORE)
    User = apps.get_model("portal", "User")
    Program = apps.get_model("programs", "Program")
    Intake = apps.get_model("programs", "Intake")
    Company = apps.get_model("applications", "Company")
    Application = apps.get_model("applications", "Application")
    Review = apps.get_model("applications", "Review")
    now = timezone.now()
    owner = User.objects.create(email="owner@firm.example")
    reviewer = User.objects.create(email="reviewer@panel.example")
    program = Program.objects.create(name="Program", slug="program")
    intakes = [
        Intake.objects.create(
            program=program,
            title=title,
            opens_at=now,
            closes_at=now + datetime.timedelta(days=30),
            placement_starts_on=now.date() + datetime.timedelta(days=60),
            placement_ends_on=now.date() + datetime.timedelta(days=200),
        )
        for title in ["Spring", "Autumn"]
    ]
    company = Company.objects.create(name="Firm", country="CA")
    applications = [
        Application.objects.create(
            company=company, intake=intake, created_by=owner, updated_by=owner
        )
        for intake in intakes
    ]
    for application in applications:
        Review.objects.create(application=application, reviewer=reviewer)

    apps = migrate(AFTER)
    Review = apps.get_model("applications", "Review")
    copied = set(Review.objects.values_list("application__intake_id", "intake_id"))
    assert copied == {(intake.pk, intake.pk) for intake in intakes}
    migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
