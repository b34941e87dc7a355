"""The database restarted under load: requests during the outage get a clear 503 page, none
is half-applied, and the portal serves again without a restart of its own.

The portal runs as production runs it: gunicorn with two workers, DEBUG off, persistent
connections (CONN_MAX_AGE) on a PostgreSQL cluster of the test's own, which the test stops
and starts while firms save their budgets (a save writes the budget lines, the total and the
draft's version in one transaction).
"""

import subprocess
import sys
import threading
import time
from collections import Counter

import psycopg2
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications.enums import MemberRole
from applications.services import start_application
from tests import factories
from tests.faults.conftest import ROOT, report, wait_until
from tests.ports import free_port

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FIRMS = 3
UNAVAILABLE = "The portal cannot reach its database just now, so nothing from this page was saved."


def copy_test_database(postgres_server):
    """The test database (schema and rows) into the test's own cluster, as database portal."""
    postgres_server.psql(
        "-c", "CREATE ROLE portal LOGIN CREATEDB;", "-c", "CREATE DATABASE portal OWNER portal;"
    )
    source = connection.settings_dict
    dump = subprocess.run(
        [str(postgres_server.bin / "pg_dump"), "--no-owner", "-h", source["HOST"],
         "-p", str(source["PORT"]), "-U", source["USER"], source["NAME"]],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    subprocess.run(
        [str(postgres_server.bin / "psql"), "-h", "127.0.0.1", "-p", str(postgres_server.port),
         "-U", "portal", "-d", "portal", "-q", "-v", "ON_ERROR_STOP=1"],
        input=dump.stdout, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def drafts(postgres):
    """Firms with a draft each, signed in: (session key, draft) pairs."""
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    made = []
    for _number in range(FIRMS):
        owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
        browser = Client()
        browser.force_login(owner.user)
        draft = start_application(owner.company, intake, by=owner.user)
        made.append((browser.cookies["sessionid"].value, draft))
    return made


@pytest.fixture
def portal(drafts, own_postgres, tmp_path):
    """gunicorn on the own cluster, holding a copy of the test database with the drafts;
    yields its base URL, its master process and the cluster."""
    copy_test_database(own_postgres)
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tests.faults.production_settings",
        "DEBUG": "false",
        # The test signed the sessions; the portal must read them.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://portal@127.0.0.1:{own_postgres.port}/portal",
        "DATABASE_CONN_MAX_AGE": "600",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "CRITICAL",
    }
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return requests.get(f"{base}/healthz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    try:
        assert wait_until(answers, timeout=60), (tmp_path / "gunicorn.log").read_text()[-3000:]
        yield base, master, own_postgres
    finally:
        master.terminate()
        master.wait(20)
        log.close()


def workers_of(master):
    found = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True
    )
    return sorted(int(pid) for pid in found.stdout.split())


class Firm:
    """One firm's browser: its session cookie, its draft and the version its page holds."""

    def __init__(self, base, session, application):
        self.session = session
        self.path = reverse("applications:step", args=[application.pk, "budget"])
        self.url = base + self.path
        self.pk, self.version = application.pk, application.version
        page = requests.get(self.url, headers=self.headers(), timeout=10, allow_redirects=False)
        assert page.status_code == 200
        self.csrf = page.cookies["csrftoken"]
        self.answers, self.saved, self.last_amount = [], 0, None

    def headers(self, csrf=""):
        cookie = f"sessionid={self.session}" + (f"; csrftoken={csrf}" if csrf else "")
        return {"Cookie": cookie, "Accept-Language": "en"}

    def save(self, amount):
        data = {
            "csrfmiddlewaretoken": self.csrf, "version": self.version, "editor": "",
            "budget-TOTAL_FORMS": "1", "budget-INITIAL_FORMS": "0",
            "budget-MIN_NUM_FORMS": "0", "budget-MAX_NUM_FORMS": "1000",
            "budget-0-category": "travel", "budget-0-description": f"Flights {amount}",
            "budget-0-amount_0": str(amount), "budget-0-amount_1": "CAD",
        }  # fmt: skip
        sent = time.monotonic()
        answer = requests.post(
            self.url, data=data, headers=self.headers(self.csrf), allow_redirects=False, timeout=30
        )
        kind = answer.status_code
        if kind == 302 and answer.headers["Location"] != self.path:
            kind = f"302 to {answer.headers['Location']}"
        if kind == 503 and UNAVAILABLE not in answer.text:
            kind = "503 without the message"
        if kind == 200 and "saved it since you opened" in answer.text:
            kind = "conflict"
        self.answers.append((sent, time.monotonic(), kind))
        if answer.status_code == 302:
            self.version += 1
            self.saved += 1
            self.last_amount = amount


def keep_saving(firm, stop, number):
    amount = 100 + number * 1000
    while not stop.is_set():
        amount += 1
        firm.save(amount)
        time.sleep(0.02)


def test_the_database_restarted_under_load_fails_clearly_and_the_portal_recovers(portal, drafts):
    base, master, postgres_server = portal
    firms = [Firm(base, session, draft) for session, draft in drafts]
    workers = workers_of(master)
    assert len(workers) == 2

    stop = threading.Event()
    savers = [
        threading.Thread(target=keep_saving, args=(firm, stop, number))
        for number, firm in enumerate(firms)
    ]
    for saver in savers:
        saver.start()
    time.sleep(1.5)
    postgres_server.stop("fast")
    down_at = time.monotonic()
    time.sleep(2.0)
    # The server takes connections a moment before pg_ctl says it started: what is answered
    # from here on may be saved.
    starting_at = time.monotonic()
    postgres_server.start()
    up_at = time.monotonic()
    time.sleep(2.0)
    stop.set()
    for saver in savers:
        saver.join(60)

    answers = Counter(kind for firm in firms for _sent, _at, kind in firm.answers)
    assert set(answers) == {302, 503}, answers  # saved, or told plainly; no 500, no conflict
    # Only requests sent once the database was down and answered before it began to start
    # again: one sent just before the stop may still commit, and on a busy machine its answer
    # can come well after the stop.
    during = Counter(
        kind
        for firm in firms
        for sent, at, kind in firm.answers
        if down_at < sent and at < starting_at
    )
    assert set(during) == {503}
    for firm in firms:
        assert any(kind == 302 and sent > up_at for sent, _at, kind in firm.answers), "no recovery"

    # A quiet restart: no request in between, so each worker holds a connection the restart
    # broke. The health check finds it; not one request fails.
    postgres_server.stop("fast")
    postgres_server.start()
    after = [requests.get(f"{base}/healthz", timeout=10).status_code for _ in range(8)]
    assert after == [200] * 8
    assert workers_of(master) == workers  # the same processes: nothing was restarted

    # Each save that answered "saved" is kept once, and no other left a trace.
    with (
        psycopg2.connect(
            host="127.0.0.1", port=postgres_server.port, user="portal", dbname="portal"
        ) as database,
        database.cursor() as cursor,
    ):
        for firm in firms:
            cursor.execute(
                "SELECT version, budget_total FROM applications_application WHERE id = %s",
                [firm.pk],
            )
            version, total = cursor.fetchone()
            cursor.execute(
                "SELECT description, amount FROM applications_budgetline WHERE application_id = %s",
                [firm.pk],
            )
            lines = cursor.fetchall()
            assert version == 1 + firm.saved
            assert lines == [(f"Flights {firm.last_amount}", firm.last_amount)]
            assert total == firm.last_amount
    report(
        "database restarted under load",
        restarts=2,
        requests=answers.total(),
        saved=answers[302],
        refused_with_the_503_page=answers[503],
        server_errors=answers.total() - answers[302] - answers[503],
        half_applied=0,
        portal_restarts=0,
    )
