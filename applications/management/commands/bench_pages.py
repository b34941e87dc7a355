"""Measure the list pages at scale: queries and median time against a bare page.

    python manage.py bench_pages --applications 2000 20000 [--database-url postgres://...]
                                 [--json results.json]

Runs in a scratch database (a fresh SQLite file, or --database-url), never the portal's own:
the command starts itself again pointed at it and, for each size, empties and migrates it,
fills one intake with the applications and their companies, then times each page through the
test client against a bare page.

Targets, for every page: at most TARGET_QUERIES queries, the same number at every size; at the
first size at most the page's ratio to the bare page (RATIO_TARGET on PostgreSQL, where
production runs); at each larger size at most GROWTH times the page's own ratio at the first.
"""

import cProfile
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from applications import bench

TARGET_QUERIES = 12
RATIO_TARGET = 30
GROWTH = 1.5


class Command(BaseCommand):
    help = "Fill a scratch database and time the list pages against a bare page."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, nargs="+", default=[2000])
        parser.add_argument("--repeat", type=int, default=40, help="requests per page")
        parser.add_argument(
            "--database-url",
            default="",
            help="a scratch database to use instead of a temporary SQLite file (it is emptied)",
        )
        parser.add_argument("--json", default="", help="also write the results to this file")
        parser.add_argument(
            "--smoke",
            action="store_true",
            help="report missed time targets without failing (CI's check that the command runs)",
        )
        parser.add_argument(
            "--profile",
            default="",
            help="also profile each page (cProfile) into this folder, one .prof file a page",
        )
        parser.add_argument("--inside", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if any(size < 10 for size in options["applications"]):
            raise CommandError("--applications: each size must be at least 10.")
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
                "--applications",
                *[str(size) for size in options["applications"]],
                f"--repeat={options['repeat']}",
            ]
            if options["json"]:
                command.append(f"--json={Path(options['json']).resolve()}")
            if options["smoke"]:
                command.append("--smoke")
            if options["profile"]:
                command.append(f"--profile={Path(options['profile']).resolve()}")
            result = subprocess.run(command, env=env, check=False)  # noqa: S603
            if result.returncode:
                raise CommandError("The benchmark failed or missed a target; see above.")

    def measure(self, options):
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor}.")
        runs = []
        for size in options["applications"]:
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            world = bench.fill(size)
            for extension in extensions():
                world = extension.fill(world, size)
            if vendor == "postgresql":
                # What autovacuum does in production a minute after such a load (PostgreSQL
                # vacuums a table after many inserts, and analyzes it): without statistics
                # the planner guesses row counts of freshly filled tables, and until a vacuum
                # a trigram (GIN) index keeps the new rows in its pending list, which every
                # search reads through (4 ms instead of 0.4 for a company's name at 20,000).
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            self.stdout.write(
                f"Filled one intake with {size} applications in "
                f"{time.perf_counter() - started:.1f} s."
            )
            with override_settings(ROOT_URLCONF="portal.bench_urls", ALLOWED_HOSTS=["testserver"]):
                runs.append({"applications": size, "pages": measure_pages(world, options)})
        missed = judge(runs)
        for run in runs:
            self.write_table(vendor, run)
        self.stdout.write(
            f"\nTargets: at most {TARGET_QUERIES} queries, the same at every size; at "
            f"{runs[0]['applications']} applications at most {RATIO_TARGET} times the bare page; "
            f"at a larger size at most {GROWTH} times the page's own ratio at "
            f"{runs[0]['applications']}."
        )
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps({"database": vendor, "runs": runs, "missed": missed}, indent=2) + "\n"
            )
        for line in missed:
            self.stdout.write(f"MISSED: {line}")
        time_missed = [line for line in missed if "queries" not in line]
        if missed and not (options["smoke"] and len(time_missed) == len(missed)):
            raise CommandError("A page missed its target.")

    def write_table(self, vendor, run):
        self.stdout.write(f"\n{vendor}, {run['applications']} applications")
        self.stdout.write(
            f"{'page':<52} {'queries':>7} {'median ms':>10} {'bare ms':>8} {'ratio':>6} {'KiB':>5}"
        )
        for page in run["pages"]:
            self.stdout.write(
                f"{page['label']:<52} {page['queries']:>7} {page['median_ms']:>10.1f} "
                f"{page['bare_ms']:>8.2f} {page['ratio']:>6.1f} {page['kib']:>5.0f}  "
                f"{'ok' if page['ok'] else 'MISSED'}"
            )


def extensions():
    """The other apps' fillers and pages (settings.BENCH_EXTENSIONS): modules with
    ``fill(world, size)``, which adds to the world applications.bench built and returns it,
    and ``pages(world)``, (label, user or None, url) like applications.bench.pages. So the
    apps that build on applications join the benchmark without applications importing them."""
    return [import_module(name) for name in settings.BENCH_EXTENSIONS]


def measure_pages(world, options):
    results = []
    listed = list(bench.pages(world))
    for extension in extensions():
        listed += extension.pages(world)
    for label, user, url in listed:
        client = Client()
        if user is not None:
            client.force_login(user)
        median, bare, queries, size = time_page(client, url, options["repeat"])
        if options["profile"]:
            profile_page(client, url, options["repeat"], Path(options["profile"]) / label)
        results.append(
            {
                "label": label,
                "url": url,
                "queries": queries,
                "median_ms": round(median * 1000, 3),
                "bare_ms": round(bare * 1000, 3),
                "ratio": round(median / bare, 2),
                "kib": round(size / 1024, 1),
                "ok": True,
            }
        )
    return results


def judge(runs):
    """Mark each page against the targets; return one line per miss."""
    missed = []
    first = {page["label"]: page for page in runs[0]["pages"]}
    for run in runs:
        for page in run["pages"]:
            base = first[page["label"]]
            reasons = []
            if page["queries"] > TARGET_QUERIES:
                reasons.append(f"{page['queries']} queries, more than {TARGET_QUERIES}")
            if page["queries"] != base["queries"]:
                reasons.append(
                    f"{page['queries']} queries, {base['queries']} at {runs[0]['applications']}"
                )
            if run is runs[0] and page["ratio"] > RATIO_TARGET:
                reasons.append(f"ratio {page['ratio']}, more than {RATIO_TARGET}")
            if run is not runs[0] and page["ratio"] > GROWTH * base["ratio"]:
                reasons.append(
                    f"ratio {page['ratio']}, more than {GROWTH} x {base['ratio']} "
                    f"at {runs[0]['applications']}"
                )
            page["ok"] = not reasons
            missed.extend(
                f"{page['label']} at {run['applications']}: {reason}" for reason in reasons
            )
    return missed


def profile_page(client, url, repeat, path):
    """Profile the page's requests (cProfile), written to path.prof for pstats or snakeviz."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    with override_settings(DEBUG=False):
        profiler.runcall(lambda: [client.get(url) for _ in range(repeat)])
    profiler.dump_stats(f"{path}.prof")


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
