"""The deadline rush: many firms save and submit in the last minute before an intake closes.

    python manage.py bench_burst --database-url postgres://portal@127.0.0.1:55432/scratch \\
                                 --redis-url redis://127.0.0.1:56379/8 [--firms 200] [--smoke]

Starts the portal as production runs it, on loopback only: gunicorn with several workers and
a Celery worker, DEBUG off, a SECRET_KEY made for the run, ALLOWED_HOSTS 127.0.0.1, the
database of --database-url (EMPTIED first: a scratch database) and Redis of --redis-url as
broker and cache. Requests say they came through the TLS proxy (X-Forwarded-Proto), so the
production settings (HTTPS redirect, secure cookies, CSRF origin check) stay as they are.

Then each firm presses Save and submits at a moment spread evenly over the last --window
seconds before the deadline (between 5% and 85% of it: the rest is left to the server),
having opened its draft's business case and typed its five answers in the 20% of the window
before (an autosave after each, as the page's htmx does; so the first firms start typing
just before the window). Afterwards it reports: server errors, drafts whose saved
answers differ from the last save (autosave or Save) the server said it made, submissions
sent before the deadline and not kept, confirmation emails not sent exactly once (outbox
rows, attempts, and the messages the mail backend wrote), and the p95 response time
against the bare page's, timed on the same server in the same run at the rush's own pace.
It stops the server and the worker it started, by their pids.
"""

import asyncio
import datetime
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from applications import burst
from programs.models import Intake

ROOT = Path(__file__).resolve().parents[3]
RATIO_TARGET = 10
# The share of the window a firm spends typing its business case before it presses Save.
TYPING = 0.2
BARE_REQUESTS = 200
# Between two bare pages timed at the rush's pace: its mean gap, at most this (a smoke run's
# ten firms would make it a minute; a tenth of a second is as cold as it gets here).
MOST_PACED_SPACING = 0.1
BARE_SERIES = [
    ("bare page (back to back)", "bare"),
    ("bare page (at rush pace)", "bare_paced"),
    ("bare page (during rush)", "bare_during"),
]
REQUEST_TIMEOUT = 30.0
VERSION = re.compile(r'name="version" value="(\d+)"')
EDITOR = re.compile(r'name="editor" value="([0-9a-f]*)"')


class Command(BaseCommand):
    help = "Many firms save and submit in the last minute before a deadline, on gunicorn."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--database-url", required=True, help="a scratch database (emptied)")
        parser.add_argument("--redis-url", required=True, help="Redis for the broker and cache")
        parser.add_argument("--firms", type=int, default=200)
        parser.add_argument("--window", type=float, default=60.0, help="seconds before deadline")
        parser.add_argument(
            "--workers", type=int, default=3, help="gunicorn worker processes (the Procfile's 3)"
        )
        parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery processes")
        parser.add_argument("--port", type=int, default=58000)
        parser.add_argument("--seed", type=int, default=20)
        parser.add_argument("--json", default="", help="also write the results to this file")
        parser.add_argument(
            "--smoke",
            action="store_true",
            help="10 firms in 30 seconds; fail on losses and errors, not on the time target",
        )
        parser.add_argument("--inside", default="", help="(internal: the scratch folder)")

    def handle(self, *args, **options):
        if options["smoke"]:
            options["firms"], options["window"] = 10, 30.0
        if options["firms"] < 1 or options["window"] < 10:
            raise CommandError("--firms must be at least 1 and --window at least 10 seconds.")
        if options["inside"]:
            return self.run_inside(options)
        own = os.environ.get("DATABASE_URL", "")
        if own and own == options["database_url"]:
            raise CommandError("--database-url is the portal's own database; give a scratch one.")
        with tempfile.TemporaryDirectory(prefix="bench-burst-") as scratch:
            env = environment(options, Path(scratch))
            command = [
                sys.executable,
                str(ROOT / "manage.py"),
                "bench_burst",
                f"--inside={scratch}",
                *[
                    f"--{name.replace('_', '-')}={options[name]}"
                    for name in [
                        "database_url",
                        "redis_url",
                        "firms",
                        "window",
                        "workers",
                        "worker_concurrency",
                        "port",
                        "seed",
                    ]
                ],  # fmt: skip
            ]
            if options["json"]:
                command.append(f"--json={Path(options['json']).resolve()}")
            if options["smoke"]:
                command.append("--smoke")
            result = subprocess.run(command, env=env, check=False)  # noqa: S603
            if result.returncode:
                raise CommandError("The rush lost something, failed, or missed its target.")

    def run_inside(self, options):
        scratch = Path(options["inside"])
        empty_database()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        started = time.perf_counter()
        # Far enough for the set-up; moved to the end of the window when the rush starts.
        intake, firms = burst.prepare(
            options["firms"], closes_at=timezone.now() + datetime.timedelta(hours=1)
        )
        self.stdout.write(
            f"Database: {connection.vendor}. {len(firms)} firms with a draft one step from "
            f"complete, in {time.perf_counter() - started:.1f} s."
        )
        connection.close()
        processes = []
        try:
            processes.append(start(gunicorn_command(options), scratch / "gunicorn.log"))
            processes.append(start(worker_command(options), scratch / "worker.log"))
            try:
                result = asyncio.run(rush(intake, firms, options))
            except CommandError:
                # gunicorn did not come up: what it said, before the scratch folder goes.
                self.write_log(scratch / "gunicorn.log")
                raise
            self.stdout.write(
                f"The worker finished its queue {wait_for_worker(firms):.0f} s later."
            )
        finally:
            for process in processes:
                stop(process)
        counts = burst.tally(Intake.objects.get(pk=intake.pk), firms)
        counts["mail_messages"] = mail_messages(scratch / "mail", firms)
        if result["server_errors"]:
            # What the server said about them, before the scratch folder goes.
            self.write_log(scratch / "gunicorn.log")
        self.report(result, counts, options)

    def write_log(self, path):
        log = path.read_text(errors="replace").splitlines()
        self.stdout.write("gunicorn's log, its last 80 lines:")
        self.stdout.write("\n".join(log[-80:]))

    def report(self, result, counts, options):
        timings = result["timings"]
        everything = [ms for kind_times in timings.values() for ms in kind_times]
        p95 = percentile(everything, 95)
        # The target's baseline: the bare page at the rush's own pace (see rush()).
        bare = percentile(result["bare_paced"], 95)
        ratio = p95 / bare
        quiet_ratio = p95 / percentile(result["bare"], 95)
        delivered_once = sum(1 for n in counts["mail_messages"].values() if n == 1)
        self.stdout.write(
            f"\n{counts['firms']} firms, deadline rush of {options['window']:.0f} s, "
            f"gunicorn {options['workers']} workers, Celery {options['worker_concurrency']} "
            f"processes, {connection.vendor}"
        )
        self.stdout.write(f"{'request':<26} {'count':>6} {'median ms':>10} {'p95 ms':>8}")
        for kind, times in timings.items():
            self.stdout.write(
                f"{kind:<26} {len(times):>6} {statistics.median(times):>10.1f} "
                f"{percentile(times, 95):>8.1f}"
            )
        self.stdout.write(
            f"{'all requests':<26} {len(everything):>6} {statistics.median(everything):>10.1f} "
            f"{p95:>8.1f}"
        )
        for label, key in BARE_SERIES:
            self.stdout.write(
                f"{label:<26} {len(result[key]):>6} "
                f"{statistics.median(result[key]):>10.1f} {percentile(result[key], 95):>8.1f}"
            )
        lines = [
            ("server errors (5xx)", len(result["server_errors"]), 0),
            ("requests failed (no answer)", len(result["failures"]), 0),
            ("firms unfinished 2 min after the deadline", result["unfinished"], 0),
            ("autosaves not saved", result["autosaves_refused"], 0),
            ("saves not acknowledged (no redirect)", result["saves_refused"], 0),
            ("lost drafts", len(counts["lost_drafts"]), 0),
            ("lost submissions", len(counts["lost_submissions"]), 0),
            ("submissions refused as late", len(counts["refused_after_deadline"]), 0),
            ("submitted", counts["submitted"], counts["firms"]),
            ("confirmation emails sent once (outbox)", counts["emails_sent_once"], counts["firms"]),
            ("confirmation emails delivered once (mail)", delivered_once, counts["firms"]),
            ("submissions screened by the worker", counts["screened"], counts["firms"]),
        ]
        self.stdout.write("")
        missed = []
        for label, value, target in lines:
            ok = value == target
            self.stdout.write(
                f"{label:<42} {value:>6}  (target {target}) {'ok' if ok else 'MISSED'}"
            )
            if not ok:
                missed.append(label)
        time_ok = ratio <= RATIO_TARGET
        self.stdout.write(
            f"{'p95 / bare page p95 (at the rush pace)':<42} {ratio:>6.1f}  "
            f"(target at most {RATIO_TARGET}) {'ok' if time_ok else 'MISSED'}"
        )
        self.stdout.write(
            f"{'p95 / bare page p95 (back to back)':<42} {quiet_ratio:>6.1f}  (for comparison)"
        )
        for error in (result["server_errors"] + result["failures"])[:5]:
            self.stdout.write(f"  e.g. {error}")
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps(
                    {
                        "counts": counts,
                        "requests": len(everything),
                        "server_errors": len(result["server_errors"]),
                        "failures": len(result["failures"]),
                        "unfinished": result["unfinished"],
                        "autosaves_refused": result["autosaves_refused"],
                        "saves_refused": result["saves_refused"],
                        "p95_ms": p95,
                        "bare_p95_ms": bare,
                        "ratio": ratio,
                        "bare_back_to_back_p95_ms": percentile(result["bare"], 95),
                        "back_to_back_ratio": quiet_ratio,
                        "bare_during_p95_ms": percentile(result["bare_during"], 95),
                        "missed": missed,
                        "time_ok": time_ok,
                    },
                    indent=2,
                    default=str,
                )
                + "\n"
            )
        if missed or not (time_ok or options["smoke"]):
            raise CommandError("MISSED: " + ", ".join(missed or ["the p95 ratio"]))


def environment(options, scratch):
    """Production's settings, on loopback, with this run's own secret and folders."""
    keep = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "CELERY_", "SECURE_", "EMAIL_"))
        and name not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL", "MEDIA_ROOT"}
    }
    return keep | {
        "DJANGO_SETTINGS_MODULE": "portal.bench_settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_BASE_URL": f"https://127.0.0.1:{options['port']}",
        "DATABASE_URL": options["database_url"],
        "CELERY_BROKER_URL": options["redis_url"],
        "CACHE_URL": options["redis_url"],
        "EMAIL_URL": "filemail://",
        "EMAIL_FILE_PATH": str(scratch / "mail"),
        "MEDIA_ROOT": str(scratch / "media"),
        "PORTAL_BENCH_STATIC_ROOT": str(scratch / "static"),
        "LOG_LEVEL": "WARNING",
    }


def empty_database():
    """The scratch database, emptied: every table of a PostgreSQL schema, or the SQLite file's."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE IF EXISTS "{table}"')


def gunicorn_command(options):
    return [
        sys.executable, "-m", "gunicorn", "portal.wsgi",
        "--bind", f"127.0.0.1:{options['port']}",
        "--workers", str(options["workers"]),
        "--timeout", "60",
        "--log-level", "warning",
    ]  # fmt: skip


def worker_command(options):
    return [
        sys.executable, "-m", "celery", "-A", "portal", "worker",
        "--loglevel=WARNING", f"--concurrency={options['worker_concurrency']}",
        "--without-heartbeat", "--without-mingle", "--without-gossip",
    ]  # fmt: skip


def start(command, log):
    """A process of our own, in its own process group (so its children stop with it)."""
    handle = log.open("wb")
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process):
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_for_worker(firms, at_most=120):
    """Until the worker has sent every confirmation and screened every submission."""
    started = time.monotonic()
    while time.monotonic() - started < at_most:
        if not burst.work_left(firms):
            break
        time.sleep(0.5)
    connection.close()
    return time.monotonic() - started


def mail_messages(folder, firms):
    """How many messages the mail backend wrote to each firm's address."""
    counts = {firm["email"]: 0 for firm in firms}
    for path in folder.glob("*.log") if folder.exists() else []:
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: ") and line[4:].strip() in counts:
                counts[line[4:].strip()] += 1
    return counts


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def answer_text(rng, firm, field):
    words = [
        "buyers",
        "market",
        "export",
        "revenue",
        "partners",
        "pilots",
        "distributors",
        "customers",
        "growth",
    ]
    body = " ".join(rng.choice(words) for _ in range(rng.randint(30, 60)))
    return f"Firm {firm} on {field.replace('_', ' ')}: {body}."


async def rush(intake, firms, options):
    import httpx

    port, window = options["port"], options["window"]
    base = f"http://127.0.0.1:{port}"
    proxy = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}"}
    # One connection per firm: the time measured is the server's (and its listen queue's),
    # not a wait for a free connection in this client.
    limits = httpx.Limits(max_connections=len(firms), max_keepalive_connections=0)
    result = {
        "timings": {},
        "server_errors": [],
        "failures": [],
        "autosaves_refused": 0,
        "saves_refused": 0,
    }
    async with httpx.AsyncClient(
        base_url=base, headers=proxy, timeout=REQUEST_TIMEOUT, limits=limits
    ) as client:
        await wait_until_up(client)
        # Each gunicorn worker loads the portal on its first requests: warm them all up.
        await asyncio.gather(
            *[client.get("/__bench__/bare/") for _ in range(options["workers"] * 4)]
        )
        await asyncio.gather(
            *[
                client.get(f"/applications/{firm['application']}/review/", headers=cookies(firm))
                for firm in firms[: options["workers"] * 4]
            ]
        )
        # Typing starts up to TYPING of the window before the window itself.
        lead = TYPING * window + 1
        # The bare page, the target's baseline, is timed before the rush at the rush's own
        # pace (a request every mean gap between two of the rush's), not back to back: on
        # this VM a process that waited tens of milliseconds answers its next request about
        # twice as slowly (cold caches, a vCPU woken), whatever the page, and every request
        # of the rush comes after such a wait. Back to back is timed too, for comparison,
        # and the bare page during the rush (not in the target: it would wait in the same
        # queue as the firms, so a saturated server would pass).
        result["bare"] = await bare_pages(client, 0.0)
        pace = min((lead + window) / (10 * len(firms)), MOST_PACED_SPACING)
        result["bare_paced"] = await bare_pages(client, pace)
        deadline = timezone.now() + datetime.timedelta(seconds=lead + window)
        await asyncio.to_thread(set_deadline, intake.pk, deadline)
        rng = random.Random(options["seed"])
        began = time.monotonic()
        # Each firm's moment to press Save, from ``began``; it opens its page TYPING before.
        plans = [
            (firm, lead + rng.uniform(0.05, 0.85) * window, random.Random(rng.random()))
            for firm in firms
        ]
        tasks = [
            asyncio.create_task(one_firm(client, firm, at, r, window, began, result))
            for firm, at, r in plans
        ]
        during = asyncio.create_task(bare_during(client, began, lead + window, result))
        # Bounded in time: a firm still waiting two minutes after the deadline is given up
        # and counted (its requests as failed, its draft and submission in the tally).
        _done, pending = await asyncio.wait(tasks, timeout=lead + window + 120)
        for task in pending:
            task.cancel()
        result["unfinished"] = len(pending)
        await asyncio.wait_for(during, timeout=30)
    return result


async def bare_pages(client, spacing):
    """The bare page's times (ms), BARE_REQUESTS requests one after another, ``spacing``
    seconds apart."""
    times = []
    for _ in range(BARE_REQUESTS):
        await asyncio.sleep(spacing)
        began = time.perf_counter()
        response = await client.get("/__bench__/bare/")
        times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise CommandError(f"The bare page answered {response.status_code}.")
    return times


async def bare_during(client, began, span, result):
    """The bare page, BARE_REQUESTS times spread evenly over the ``span`` seconds of the rush
    from ``began`` (for comparison only)."""
    result["bare_during"] = []
    for i in range(BARE_REQUESTS):
        await asyncio.sleep(max(0.0, began + span * (i + 0.5) / BARE_REQUESTS - time.monotonic()))
        start = time.perf_counter()
        try:
            await client.get("/__bench__/bare/")
        except Exception as exc:  # noqa: BLE001 - counted with the rush's failures
            result["failures"].append(f"bare page: {type(exc).__name__}: {exc}")
            continue
        result["bare_during"].append((time.perf_counter() - start) * 1000)


def set_deadline(intake_pk, deadline):
    Intake.objects.filter(pk=intake_pk).update(closes_at=deadline)
    connection.close()


async def wait_until_up(client, at_most=60):
    started = time.monotonic()
    while time.monotonic() - started < at_most:
        try:
            response = await client.get("/__bench__/bare/")
            if response.status_code == 200:
                return
        except Exception:  # noqa: BLE001, S110 - not listening yet
            pass
        await asyncio.sleep(0.5)
    raise CommandError("gunicorn did not answer within a minute (its log is printed with this).")


def cookies(firm):
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={firm['session']}; "
        f"{settings.CSRF_COOKIE_NAME}={firm['csrf']}"
    }


async def one_firm(client, firm, at, rng, window, began, result):
    """One firm: open the business case, type it (autosaves), Save at about ``at`` seconds
    after ``began``, then submit."""
    firm["saved"], firm["submit_sent_at"] = None, None
    await asyncio.sleep(max(0.0, began + at - TYPING * window - time.monotonic()))
    case = f"/applications/{firm['application']}/case/"

    async def send(kind, method, url, data=None, htmx=False):
        headers = cookies(firm) | ({"HX-Request": "true"} if htmx else {})
        start = time.perf_counter()
        try:
            response = await client.request(method, url, data=data, headers=headers)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the rush
            result["failures"].append(f"{kind} {url}: {type(exc).__name__}: {exc}")
            return None
        result["timings"].setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        if response.status_code >= 500:
            result["server_errors"].append(f"{kind} {url}: {response.status_code}")
        return response

    page = await send("open the step (GET)", "GET", case)
    if page is None or page.status_code != 200:
        return
    version, editor = VERSION.search(page.text)[1], EDITOR.search(page.text)[1]
    typed = {name: "" for name in burst.CASE_FIELDS}
    typing_time = TYPING * window / len(burst.CASE_FIELDS)
    for name in burst.CASE_FIELDS:
        await asyncio.sleep(rng.uniform(0.5, 1.5) * typing_time)
        typed[name] = answer_text(rng, firm["application"], name)
        form = typed | {"version": version, "editor": editor, "csrfmiddlewaretoken": firm["csrf"]}
        saved = await send("autosave (htmx POST)", "POST", case, form, htmx=True)
        if saved is None:
            continue
        if saved.status_code == 200 and "save-status--ok" in saved.text:
            version = VERSION.search(saved.text)[1]
            # Said saved: from now on the database must hold at least this.
            firm["saved"] = dict(typed)
        else:
            result["autosaves_refused"] += 1
    form = typed | {"version": version, "editor": editor, "csrfmiddlewaretoken": firm["csrf"]}
    saved = await send("Save (POST)", "POST", case, form)
    if saved is not None and saved.status_code == 302:
        firm["saved"] = dict(typed)
    else:
        result["saves_refused"] += 1
    review = f"/applications/{firm['application']}/review/"
    await send("review page (GET)", "GET", review)
    firm["submit_sent_at"] = timezone.now()
    await send(
        "submit (POST)",
        "POST",
        f"/applications/{firm['application']}/submit/",
        {"csrfmiddlewaretoken": firm["csrf"]},
    )
    await send("review page (GET)", "GET", review)
