"""bench_outcomes: its fill, its pages within the query target, and its smoke run on SQLite."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outcomes import bench
from outcomes.management.commands.bench_outcomes import TARGET_QUERIES
from outcomes.models import Opportunity, OutcomeReport

pytestmark = pytest.mark.django_db


def test_the_fill_makes_the_reports_and_the_pages_answer_within_the_query_target():
    world = bench.fill(reports=80, intakes=4, firms=5)
    assert OutcomeReport.objects.count() == 80
    assert Opportunity.objects.count() == 40
    assert len(world["intakes"]) == 4
    for label, user, url in bench.pages(world):
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, label
        assert len(queries) <= TARGET_QUERIES, label


@pytest.mark.django_db(transaction=True)
def test_the_smoke_run_on_sqlite_meets_the_query_target(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "bench.json"
    call_command("bench_outcomes", "--smoke", f"--json={out}")
    result = json.loads(out.read_text())
    assert result["database"] == "sqlite"
    assert [page["label"] for page in result["pages"]] == [
        "figures: the whole program",
        "figures: opportunities (drill-down)",
    ]
    assert all(page["queries"] <= TARGET_QUERIES for page in result["pages"])
