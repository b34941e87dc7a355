"""The deadline rush's smoke run: gunicorn, a Celery worker and Redis, ten firms in thirty
seconds; counts only (the time target is the full run's, on a quiet machine)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from applications.management.commands import bench_burst
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis]


@pytest.fixture
def scratch_database(tmp_path):
    """A PostgreSQL database of its own when the suite runs on PostgreSQL, else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'burst.sqlite3'}"
        return
    import psycopg2

    base, name = url.rsplit("/", 1)
    scratch = f"{name.split('?')[0]}_burst_smoke"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    admin.close()
    yield f"{base}/{scratch}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    admin.close()


def test_the_smoke_rush_loses_nothing_and_sends_each_confirmation_once(
    redis_url, scratch_database, tmp_path
):
    report = tmp_path / "burst.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {"DEBUG": "true"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "bench_burst",
            "--smoke",
            f"--database-url={scratch_database}",
            f"--redis-url={redis_url}",
            f"--port={free_port()}",
            "--workers=2",
            f"--json={report}",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(report.read_text())
    counts = figures["counts"]
    assert (figures["requests"], figures["server_errors"], figures["failures"]) == (100, 0, 0)
    assert (figures["autosaves_refused"], figures["saves_refused"]) == (0, 0)
    assert (counts["firms"], counts["submitted"], counts["screened"]) == (10, 10, 10)
    assert (counts["lost_drafts"], counts["lost_submissions"]) == ([], [])
    assert counts["refused_after_deadline"] == []
    assert (counts["emails_sent_once"], counts["emails_not_once"]) == (10, [])
    assert sorted(counts["mail_messages"].values()) == [1] * 10
    assert "p95 / bare page p95 (at the rush pace)" in result.stdout
    # The target's baseline is the bare page timed at the rush's pace; the other two are
    # shown beside it, each from its own 200 requests.
    for label in ["back to back", "at rush pace", "during rush"]:
        assert re.search(rf"^bare page \({label}\) +200 ", result.stdout, re.MULTILINE)
    assert figures["ratio"] == pytest.approx(figures["p95_ms"] / figures["bare_p95_ms"])


def test_the_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert bench_burst.percentile(values, 95) == 95
    assert bench_burst.percentile(values, 50) == 51
    assert bench_burst.percentile([7.0], 95) == 7.0


def test_the_run_never_takes_the_portals_own_database(monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.setenv("DATABASE_URL", "postgres://portal@127.0.0.1:5432/portal")
    with pytest.raises(CommandError) as raised:
        call_command(
            "bench_burst",
            database_url="postgres://portal@127.0.0.1:5432/portal",
            redis_url="redis://127.0.0.1:6379/0",
        )
    assert str(raised.value) == ("--database-url is the portal's own database; give a scratch one.")


@pytest.mark.django_db
def test_the_tally_finds_a_changed_draft_and_a_dropped_submission():
    import datetime

    from django.utils import timezone

    from applications import burst

    intake, firms = burst.prepare(3, closes_at=timezone.now() + datetime.timedelta(hours=1))
    typed = {name: "What the firm typed." for name in burst.CASE_FIELDS}
    empty = {name: "" for name in burst.CASE_FIELDS}
    # The first said saved but holds nothing; the second sent its submission before the
    # deadline and is still a draft; the third saved nothing and never submitted.
    firms[0] |= {"saved": typed, "submit_sent_at": None}
    firms[1] |= {"saved": empty, "submit_sent_at": timezone.now()}
    firms[2] |= {"saved": None, "submit_sent_at": None}

    counts = burst.tally(intake, firms)

    assert counts["lost_drafts"] == [firms[0]["application"]]
    assert counts["lost_submissions"] == [firms[1]["application"]]
    assert (counts["firms"], counts["submitted"], counts["emails_sent_once"]) == (3, 0, 0)
