"""Measure the list pages at scale: queries and median time against a bare page.

    python manage.py bench_pages --applications 2000

Runs in a scratch database (a fresh SQLite file, or --database-url), never the portal's own:
the command starts itself again pointed at it, migrates, fills one intake with the
applications and their companies, then times each page through the test client.
"""

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from applications import bench

TARGET_QUERIES = 15


class Command(BaseCommand):
    help = "Fill a scratch database and time the list pages against a bare page."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=2000)
        parser.add_argument("--repeat", type=int, default=40, help="requests per page")
        parser.add_argument(
            "--database-url",
            default="",
            help="a scratch database to use instead of a temporary SQLite file (it is emptied)",
        )
        parser.add_argument("--inside", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if options["inside"]:
            return self.measure(options)
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as scratch:
            url = options["database_url"] or f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
            env = os.environ | {
                "DATABASE_URL": url,
                "DEBUG": "true",
                "SECRET_KEY": secrets.token_urlsafe(40),
                "CELERY_BROKER_URL": "",
                "EMAIL_URL": "consolemail://",
                "MEDIA_ROOT": str(Path(scratch) / "media"),
            }
            command = [
                sys.executable,
                str(Path(__file__).resolve().parents[3] / "manage.py"),
                "bench_pages",
                "--inside",
                f"--applications={options['applications']}",
                f"--repeat={options['repeat']}",
            ]
            result = subprocess.run(command, env=env, check=False)  # noqa: S603
            if result.returncode:
                raise CommandError("The benchmark failed; see above.")

    def measure(self, options):
        self.stdout.write(f"Database: {connection.vendor}. Migrating the scratch database ...")
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        world = bench.fill(options["applications"])
        self.stdout.write(
            f"Filled one intake with {options['applications']} applications "
            f"in {time.perf_counter() - started:.1f} s."
        )
        with override_settings(ROOT_URLCONF="portal.bench_urls", ALLOWED_HOSTS=["testserver"]):
            self.report(world, options["repeat"])

    def report(self, world, repeat):
        pages = bench.pages(world)
        rows = []
        failed = False
        for label, user, url, target in pages:
            client = Client()
            if user is not None:
                client.force_login(user)
            median, bare, queries, size = time_page(client, url, repeat)
            ratio = median / bare
            ok = ratio <= target and queries <= TARGET_QUERIES
            failed = failed or not ok
            rows.append((label, queries, median * 1000, bare * 1000, ratio, target, size, ok))
        self.stdout.write("")
        self.stdout.write(
            f"{'page':<52} {'queries':>7} {'median ms':>10} {'bare ms':>8} {'ratio':>6} "
            f"{'target':>6} {'KiB':>5}"
        )
        for label, queries, median, bare, ratio, target, size, ok in rows:
            self.stdout.write(
                f"{label:<52} {queries:>7} {median:>10.1f} {bare:>8.2f} {ratio:>6.1f} "
                f"{target:>6} {size / 1024:>5.0f}  {'ok' if ok else 'MISSED'}"
            )
        self.stdout.write(
            f"\nTargets: at most {TARGET_QUERIES} queries, and the page's target ratio to the "
            "bare page (10 for the application pages, 15 for the review pages)."
        )
        if failed:
            raise CommandError("A page missed its target.")


def time_page(client, url, repeat):
    """The page's median time and the bare page's, taken in turn so that both see the same
    machine; then its queries, counted in one more request with the query log on."""
    bare_url = reverse("bench_bare")
    response = client.get(url)  # warm-up: template and URL caches
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}.")
    client.get(bare_url)
    pages, bares = [], []
    # Timed as production runs: DEBUG off, so no query log (on SQLite the log runs an
    # extra query for each query to quote its parameters).
    with override_settings(DEBUG=False):
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(bare_url)
            bares.append(time.perf_counter() - started)
            started = time.perf_counter()
            response = client.get(url)
            pages.append(time.perf_counter() - started)
    # The query log keeps only the latest 9,000 entries and the fill filled it.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(pages), statistics.median(bares), len(queries), len(response.content)
