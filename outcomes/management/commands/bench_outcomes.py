"""Measure the program's figures at scale: queries and median time against a bare page.

    python manage.py bench_outcomes [--reports 100000 --intakes 40 --firms 5000]
                                    [--database-url postgres://...] [--smoke] [--json out.json]

Runs in a scratch database (a fresh SQLite file, or --database-url, which it empties), never
the portal's own: the command starts itself again pointed at it, migrates it, fills it
(outcomes.bench), then times the figures page and one drill-down through the test client
against a bare page. Targets: at most TARGET_QUERIES queries a page; on PostgreSQL at most
RATIO_TARGET times the bare page. --smoke fills a small program and reports a missed time
target without failing (the test suite's check that the command runs).
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from applications.management.commands.bench_pages import time_page
from outcomes import bench

TARGET_QUERIES = 10
RATIO_TARGET = 30
SMOKE = {"reports": 400, "intakes": 4, "firms": 50}


class Command(BaseCommand):
    help = "Fill a scratch database with outcome reports and time the program's figures."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=100_000)
        parser.add_argument("--intakes", type=int, default=40)
        parser.add_argument("--firms", type=int, default=5_000)
        parser.add_argument("--repeat", type=int, default=15, help="requests per page")
        parser.add_argument(
            "--database-url",
            default="",
            help="a scratch database to use instead of a temporary SQLite file (it is emptied)",
        )
        parser.add_argument("--json", default="", help="also write the results to this file")
        parser.add_argument("--smoke", action="store_true", help="a small, fast run")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="time a --database-url already filled by this command (migrated, not refilled)",
        )
        parser.add_argument("--inside", action="store_true", help="(internal)")

    def handle(self, *args, **options):
        if options["smoke"]:
            options |= SMOKE | {"repeat": 2}
        if options["reports"] < 4 * options["intakes"] or options["firms"] < 1:
            raise CommandError("--reports: at least four per intake, and at least one firm.")
        if options["inside"]:
            return self.measure(options)
        with tempfile.TemporaryDirectory(prefix="bench-outcomes-") as scratch:
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
                "bench_outcomes",
                "--inside",
                f"--reports={options['reports']}",
                f"--intakes={options['intakes']}",
                f"--firms={options['firms']}",
                f"--repeat={options['repeat']}",
            ]
            if options["json"]:
                command.append(f"--json={Path(options['json']).resolve()}")
            if options["smoke"]:
                command.append("--smoke")
            if options["reuse"]:
                command.append("--reuse")
            result = subprocess.run(command, env=env, check=False)  # noqa: S603
            if result.returncode:
                raise CommandError("The benchmark failed or missed a target; see above.")

    def measure(self, options):
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor}.")
        if options["reuse"]:
            call_command("migrate", verbosity=0)
            world = bench.filled()
            if vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write("Reused the filled database (migrated, not refilled).")
        else:
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            world = bench.fill(
                reports=options["reports"], intakes=options["intakes"], firms=options["firms"]
            )
            if vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(
                f"Filled {options['reports']} reports of {options['reports'] // 4} stays "
                f"({options['firms']} firms, {options['intakes']} intakes) in "
                f"{time.perf_counter() - started:.1f} s."
            )
        results, missed = [], []
        with override_settings(ROOT_URLCONF="portal.bench_urls", ALLOWED_HOSTS=["testserver"]):
            for label, user, url in bench.pages(world):
                client = Client()
                client.force_login(user)
                median, bare, queries, size = time_page(client, url, options["repeat"])
                ratio = median / bare
                reasons = []
                if queries > TARGET_QUERIES:
                    reasons.append(f"{queries} queries, more than {TARGET_QUERIES}")
                if vendor == "postgresql" and ratio > RATIO_TARGET:
                    reasons.append(f"ratio {ratio:.1f}, more than {RATIO_TARGET}")
                missed += [f"{label}: {reason}" for reason in reasons]
                results.append(
                    {"label": label, "url": url, "queries": queries,
                     "median_ms": round(median * 1000, 1), "bare_ms": round(bare * 1000, 2),
                     "ratio": round(ratio, 1), "kib": round(size / 1024, 1), "ok": not reasons}
                )  # fmt: skip
        self.stdout.write(f"\n{vendor}, {options['reports']} reports")
        self.stdout.write(
            f"{'page':<40} {'queries':>7} {'median ms':>10} {'bare ms':>8} {'ratio':>6} {'KiB':>5}"
        )
        for page in results:
            self.stdout.write(
                f"{page['label']:<40} {page['queries']:>7} {page['median_ms']:>10.1f} "
                f"{page['bare_ms']:>8.2f} {page['ratio']:>6.1f} {page['kib']:>5.0f}  "
                f"{'ok' if page['ok'] else 'MISSED'}"
            )
        self.stdout.write(
            f"\nTargets: at most {TARGET_QUERIES} queries a page; on PostgreSQL at most "
            f"{RATIO_TARGET} times the bare page."
        )
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps({"database": vendor, "pages": results, "missed": missed}, indent=2)
            )
        for line in missed:
            self.stdout.write(f"MISSED: {line}")
        query_missed = [line for line in missed if "queries" in line]
        if query_missed or (missed and not options["smoke"]):
            raise CommandError("A page missed its target.")
