"""Fixtures every test can use, and the service tiers.

Tests that need PostgreSQL, Redis or Chromium skip when those are missing; with
PORTAL_TEST_REQUIRE_SERVICES=1 (set by CI) such a skip is a failure instead, so
CI cannot pass without exercising them.
"""

import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connections
from django.utils import translation

from portal.celery import app as celery_app
from tests import factories

CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium")


def unavailable(reason):
    if os.environ.get("PORTAL_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (PORTAL_TEST_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Uploads go to a folder of the test's own, never into the checkout.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Rate limits live in the cache; each test starts with a clean count.
    cache.clear()
    # Fast hashing: the real PBKDF2 cost is for people, not for fixtures.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Worker and live-server threads open their own connections; with no reuse they close
    # them after each task or request, so the test database can be dropped at the end.
    connections["default"].settings_dict["CONN_MAX_AGE"] = 0
    celery_app.conf.task_always_eager = True
    # Every test starts in English, whatever language an earlier test switched to.
    translation.activate("en")
    yield
    cache.clear()
    translation.activate("en")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, as the portal's own is, not one shared memory
    database: each thread (the live server's, two saves at once) then has its own
    connection and meets SQLite's locks as people's requests do."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture
def postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")
    return connection


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        unavailable("needs Redis: set TEST_REDIS_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        unavailable(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def chromium_path():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        unavailable(f"needs Chromium at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.fixture
def make_user(db):
    return factories.UserFactory


@pytest.fixture
def bic_mint(db):
    """The seed's Tables 2 and 3, as the data migration loads them.

    Transactional tests empty every table when they finish, migration data included,
    so tests that read the figures load them again (the load is idempotent).
    """
    from importlib import import_module

    from django.apps import apps

    import_module("programs.migrations.0003_seed_tables_2_and_3").load(apps, None)
    from programs.models import MarketGroup

    return MarketGroup.objects.get(slug="bic-mint")


def point_at_broker(url, *, eager):
    app = celery_app
    app.conf.update(broker_url=url, task_always_eager=eager)
    # Eager runs still build a producer pool, bound to the broker URL of that moment.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def real_worker(redis_url, postgres):
    """An in-process Celery worker on the test Redis, reading the test database."""
    from celery.contrib.testing.worker import start_worker

    app = celery_app
    previous = app.conf.broker_url
    point_at_broker(redis_url, eager=False)
    # The broker may hold messages from an earlier run; start from an empty queue.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    point_at_broker(previous, eager=True)
