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
    for label, user, url, _target in bench.pages(world):
        client = Client()
        if user is not None:
            client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, label
        assert len(queries) <= TARGET_QUERIES, label
