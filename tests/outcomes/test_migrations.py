"""Migration outcomes.0005_intake_figures creates the kept figures' tables and fills nothing:
``manage.py refresh_figures``, the step after migrating, fills them from the records."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from outcomes.models import IntakeFigures


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_kept_figures_migration_runs_no_service_and_refresh_figures_fills_them():
    apps = migrate([("outcomes", "0004_kept_latest_values")])
    Program = apps.get_model("programs", "Program")
    Intake = apps.get_model("programs", "Intake")
    now = timezone.now()
    intake = Intake.objects.create(
        program=Program.objects.create(name="Program", slug="program"),
        title="Spring",
        opens_at=now,
        closes_at=now + datetime.timedelta(days=30),
        placement_starts_on=now.date() + datetime.timedelta(days=60),
        placement_ends_on=now.date() + datetime.timedelta(days=200),
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert list(IntakeFigures.objects.values_list("intake", flat=True)) == []

    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    # Its row is made, empty: no drift to report (an operator read "changed" as mended).
    assert out.getvalue() == "Intakes refreshed: 1; changed: 0.\n"
    assert list(IntakeFigures.objects.values_list("intake", "present", "companies")) == [
        (intake.pk, False, 0)
    ]
