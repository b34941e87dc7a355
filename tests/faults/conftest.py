"""Servers of the fault tests' own: a Redis and a PostgreSQL cluster that a test may stop and
start, and Celery workers in their own processes that a test may kill.

The shared PostgreSQL and Redis (DATABASE_URL, TEST_REDIS_URL) are never stopped: a test that
stops a service stops one it started. Ports come from PORTAL_TEST_FAULT_PORTS ("56500-56519")
when set, otherwise the system picks a free one. Missing binaries skip the test (a failure
under PORTAL_TEST_REQUIRE_SERVICES=1, as for the other service tiers).
"""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import unavailable
from tests.ports import free_port

ROOT = Path(settings.BASE_DIR)


def wait_until(predicate, timeout=20.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


FIGURES = []


def report(name, **counts):
    """The figures a fault test proves, one line each, printed at the end of the run (what
    README "Faults survived" lists)."""
    figures = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in counts.items())
    FIGURES.append(f"{name}: {figures}")


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("Faults survived")
        for line in FIGURES:
            terminalreporter.write_line(line)


class RedisServer:
    """redis-server in the foreground as a child process, without persistence: what a stop
    loses (queued tasks) is lost, the harsher case for the portal."""

    def __init__(self, binary, directory):
        self.binary, self.directory = binary, directory
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self):
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock,
        ):
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--daemonize", "no",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_until(self.answers, 10), "the test's Redis did not start"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None
        assert wait_until(lambda: not self.answers(), 5)


@pytest.fixture
def own_redis(tmp_path):
    binary = shutil.which("redis-server")
    if not binary:
        unavailable("needs redis-server on PATH to start a Redis of the test's own")
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    server.stop()


class PostgresServer:
    """A throwaway PostgreSQL cluster on a loopback port (trust auth, fsync off), owned by the
    postgres account when the tests run as root, as .ci/run makes its own."""

    def __init__(self, bin_dir):
        self.bin = Path(bin_dir)
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="portal-fault-pg-"))
        self.home.chmod(0o755)
        self.data = self.home / "data"

    def run(self, *command, **options):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], check=True, capture_output=True, timeout=120, **options
        )

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")

    def start(self):
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.home / "log"), "-w",
            "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.home} -c fsync=off",
            "start",
        )  # fmt: skip

    def stop(self, mode="fast"):
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def psql(self, *arguments, **options):
        return self.run(
            str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-v", "ON_ERROR_STOP=1", "-q", *arguments, **options,
        )  # fmt: skip

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture
def own_postgres():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        unavailable("needs /usr/lib/postgresql/*/bin/initdb for a cluster of its own")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        unavailable("needs runuser to run PostgreSQL as the postgres account")
    server = PostgresServer(Path(found[-1]).parent)
    try:
        server.init()
        server.start()
    except subprocess.CalledProcessError as error:
        server.remove()
        unavailable(f"cannot start a PostgreSQL of the test's own: {error.stderr.decode()[-500:]}")
    yield server
    server.remove()


class Worker:
    """`celery worker` in its own process group (tests/faults/worker.py), on the test database
    and a broker, with a prefork pool of one child: the pool the Procfile runs."""

    def __init__(self, *, broker_url, mail_dir, log_path, media_root=None, **fault):
        from django.db import connection

        database = connection.settings_dict
        self.env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": "filemail://",
            "EMAIL_FILE_PATH": str(mail_dir),
            **({"MEDIA_ROOT": str(media_root)} if media_root else {}),
            **{f"PORTAL_FAULT_{key.upper()}": str(value) for key, value in fault.items()},
        }
        self.log_path = log_path
        self.process = None

    def start(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in kill()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "faults" / "worker.py")],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def kill(self):
        """SIGKILL the whole worker, pool children included: nothing runs its shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.log.close()

    def output(self):
        return Path(self.log_path).read_text(errors="replace")


@pytest.fixture
def start_worker(tmp_path):
    started = []

    def start(**options):
        worker = Worker(log_path=tmp_path / f"worker-{len(started)}.log", **options).start()
        started.append(worker)
        return worker

    start.started = started
    yield start
    for worker in started:
        worker.kill()


# The selection field of tests/applications (a closed intake, two hosts, four shortlisted
# firms), for the worker that dies half-way through a run or a batch of decision emails.
from tests.applications.conftest import field, hosts, intake, manager  # noqa: E402, F401
