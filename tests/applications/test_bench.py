"""The benchmark's data and pages: every page it times answers, within the query target."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications import bench
from applications.management.commands.bench_pages import TARGET_QUERIES
from applications.models import Application

pytestmark = pytest.mark.django_db


def test_every_benchmarked_page_answers_within_the_query_target():
    world = bench.fill(20)
    assert Application.objects.filter(intake=world["intake"]).count() == 20
    for label, user, url in bench.pages(world):
        client = Client()
        if user is not None:
            client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, label
        assert len(queries) <= TARGET_QUERIES, label


def test_the_judge_marks_query_growth_and_ratio_growth_as_missed():
    from applications.management.commands.bench_pages import judge

    def page(queries, ratio):
        return {"label": "List", "queries": queries, "ratio": ratio, "ok": True}

    runs = [
        {"applications": 2000, "pages": [page(9, 20.0)]},
        {"applications": 20000, "pages": [page(10, 31.0)]},
    ]
    assert judge(runs) == [
        "List at 20000: 10 queries, 9 at 2000",
        "List at 20000: ratio 31.0, more than 1.5 x 20.0 at 2000",
    ]
    assert [run["pages"][0]["ok"] for run in runs] == [True, False]


def test_the_extensions_add_their_pages_and_each_answers(client, django_assert_max_num_queries):
    """settings.BENCH_EXTENSIONS join the benchmark: placements fills past rounds of the bench
    program and lists its pages, each answering within the query target."""
    from django.conf import settings

    from applications.management.commands.bench_pages import extensions
    from placements.models import Placement

    assert settings.BENCH_EXTENSIONS == ["placements.bench"]
    world = bench.fill(40)
    for extension in extensions():
        world = extension.fill(world, 40)
    # 40 firms: 30 placed in one round, ten accepted offers waiting for the host.
    assert Placement.objects.count() == 30
    listed = [page for extension in extensions() for page in extension.pages(world)]
    assert [label for label, _user, _url in listed] == [
        "Partner: placements in residence",
        "Partner: placements gone",
        "Partner: placements, check-in overdue",
        "Manager: a program's placements",
        "Manager: placements, check-in overdue",
        "Manager: placements board",
        "Manager: ledger",
        "Manager: ledger, expense claims",
    ]
    for _label, user, url in listed:
        client.force_login(user)
        with django_assert_max_num_queries(TARGET_QUERIES):
            response = client.get(url)
        assert response.status_code == 200
