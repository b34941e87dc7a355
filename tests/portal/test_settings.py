"""Settings come from the environment; what a person must fix is told in one sentence."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "SECRET_KEY", "DEBUG", "ALLOWED_"))
    and k not in {"EMAIL_URL", "CACHE_URL", "PORTAL_BASE_URL", "PORTAL_EMAIL_MAX_ATTEMPTS"}
}


def run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def show(expression, **env):
    """Print one expression evaluated against the loaded settings."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings'); "
        f"django.setup(); from django.conf import settings; print({expression})"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def production_env(**extra):
    """What production sets (README, "Production profile"); nothing is connected to."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
        "PORTAL_BASE_URL": "https://portal.example.org",
        "DATABASE_URL": "postgres://portal@127.0.0.1:9/portal",
        "EMAIL_URL": "smtp+tls://portal@smtp.example.org:587",
        "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
        "CACHE_URL": "redis://127.0.0.1:9/1",
        **extra,
    }


def test_missing_secret_key_with_debug_off_stops_with_one_sentence():
    result = run(["manage.py", "check"])

    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: SECRET_KEY is not set; set SECRET_KEY to a long random string "
        "(or DEBUG=true for local development)."
    )


def test_debug_without_secret_key_uses_a_fresh_random_key_each_start():
    first = show("settings.SECRET_KEY", DEBUG="true")
    second = show("settings.SECRET_KEY", DEBUG="true")
    assert len(first) >= 50
    assert first != second


def test_unreadable_debug_value_is_named():
    result = run(["manage.py", "check"], DEBUG="maybe")
    assert result.returncode == 1
    assert result.stderr.strip() == "Configuration error: DEBUG must be true or false, not 'maybe'."


def test_missing_allowed_hosts_in_production_is_named():
    result = run(["manage.py", "check"], SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 1
    assert "ALLOWED_HOSTS is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_base_url_in_production_is_named():
    env = production_env()
    del env["PORTAL_BASE_URL"]
    result = run(["manage.py", "check"], **env)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: PORTAL_BASE_URL is not set; set it to the address people open "
        "the portal at, e.g. https://portal.example.org (emails link to it)."
    )


def test_base_url_without_a_scheme_is_refused():
    result = run(["manage.py", "check"], DEBUG="true", PORTAL_BASE_URL="portal.example.org")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: PORTAL_BASE_URL must start with https:// or http://, "
        "not 'portal.example.org'."
    )


def test_base_url_is_read_without_its_trailing_slash():
    assert show("settings.PORTAL_BASE_URL", DEBUG="true") == "http://127.0.0.1:8000"
    assert (
        show("settings.PORTAL_BASE_URL", DEBUG="true", PORTAL_BASE_URL="https://p.example.org/")
        == "https://p.example.org"
    )


def test_bin_run_links_emails_to_its_own_port():
    script = (ROOT / "bin" / "run").read_text()
    assert 'export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:${PORT:-8000}}"' in script


def test_unset_database_url_means_sqlite():
    assert show("settings.DATABASES['default']['ENGINE']", DEBUG="true") == (
        "django.db.backends.sqlite3"
    )


def test_sqlite_is_set_for_several_people_saving_at_once(tmp_path):
    database = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    options = show("settings.DATABASES['default']['OPTIONS']", DEBUG="true", DATABASE_URL=database)
    assert options == (
        "{'transaction_mode': 'IMMEDIATE', 'timeout': 20, "
        "'init_command': 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL'}"
    )
    pragmas = (
        "[__import__('django.db').db.connection.cursor().execute(f'PRAGMA {name}').fetchone()[0]"
        " for name in ('journal_mode', 'synchronous', 'busy_timeout')]"
    )
    # synchronous 1 is NORMAL; the busy timeout is in milliseconds.
    assert show(pragmas, DEBUG="true", DATABASE_URL=database) == "['wal', 1, 20000]"


def test_postgres_database_url_means_postgresql():
    engine = show(
        "settings.DATABASES['default']['ENGINE']",
        DEBUG="true",
        DATABASE_URL="postgres://portal:pw@db.internal:5432/portal",
    )
    assert engine == "django.db.backends.postgresql"


def test_unsupported_database_url_is_refused():
    result = run(["manage.py", "check"], DEBUG="true", DATABASE_URL="mysql://u:p@h/db")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: DATABASE_URL must start with postgres:// or sqlite:///, "
        "or be unset for SQLite."
    )


def test_unreachable_database_is_one_sentence():
    result = run(
        ["manage.py", "migrate"], DEBUG="true", DATABASE_URL="postgres://u:p@127.0.0.1:9/x"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Cannot reach the database at 127.0.0.1:9 (")
    assert result.stderr.strip().endswith(
        "check DATABASE_URL and that the database server is running."
    )


def test_unset_broker_runs_tasks_inline():
    assert show("settings.CELERY_TASK_ALWAYS_EAGER", DEBUG="true") == "True"


def test_sessions_come_from_the_cache_only_when_every_process_shares_it():
    engine = "settings.SESSION_ENGINE.rsplit('.', 1)[1]"
    assert show(engine, **production_env(CACHE_URL="")) == "db"
    assert show(engine, **production_env(CACHE_URL="redis://127.0.0.1:6379/1")) == "cached_db"
    assert show(engine, DEBUG="true") == "cached_db"  # the one-process development server


def test_redis_broker_means_a_real_worker():
    eager = show(
        "settings.CELERY_TASK_ALWAYS_EAGER",
        DEBUG="true",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert eager == "False"


def test_unreachable_broker_is_one_sentence():
    result = run(
        ["manage.py", "check_services"], DEBUG="true", CELERY_BROKER_URL="redis://127.0.0.1:9/0"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "CommandError: Cannot reach the task broker at redis://127.0.0.1:9/0; check "
        "CELERY_BROKER_URL and that Redis is running, or unset it to run tasks inline."
    )


def test_email_defaults_to_console_and_reads_email_url():
    assert show("settings.EMAIL_BACKEND", DEBUG="true") == (
        "django.core.mail.backends.console.EmailBackend"
    )
    assert show("settings.EMAIL_BACKEND", DEBUG="true", EMAIL_URL="filemail://") == (
        "django.core.mail.backends.filebased.EmailBackend"
    )


def test_production_profile_passes_check_deploy_without_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("SECURE_SSL_REDIRECT", "True"),
        ("SECURE_HSTS_SECONDS", "31536000"),
    ],
)
def test_production_profile_is_hardened(name, value):
    assert show(f"settings.{name}", **production_env()) == value


def test_no_hard_coded_secret_in_settings():
    text = (ROOT / "portal" / "settings.py").read_text()
    assert "django-insecure" not in text


def test_source_only_commands_run_without_production_secrets():
    result = run(["manage.py", "makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "No changes detected"


def test_email_attempts_are_bounded_by_a_setting():
    assert show("settings.PORTAL_EMAIL_MAX_ATTEMPTS", DEBUG="true") == "5"
    result = run(["manage.py", "check"], DEBUG="true", PORTAL_EMAIL_MAX_ATTEMPTS="0")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: PORTAL_EMAIL_MAX_ATTEMPTS must be at least 1, not 0."
    )


def test_a_redis_cache_rides_out_an_outage_and_gives_up_within_a_second():
    cache = "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['OPTIONS']"
    shown = show(cache, **production_env(CACHE_URL="redis://127.0.0.1:6379/1"))
    assert shown == (
        "portal.cache.OutageTolerantRedisCache {'socket_connect_timeout': 1, 'socket_timeout': 1}"
    )


def test_postgresql_connections_are_kept_and_checked_before_use():
    database = "settings.DATABASES['default']['CONN_MAX_AGE'], " + (
        "settings.DATABASES['default']['CONN_HEALTH_CHECKS']"
    )
    shown = show(database, **production_env(DATABASE_URL="postgres://portal@127.0.0.1:1/portal"))
    assert shown == "60 True"


def test_uploads_are_written_whole_or_not_at_all():
    assert show("settings.STORAGES['default']['BACKEND']", DEBUG="true") == (
        "portal.storage.FileSystemStorage"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LANGUAGE_COOKIE_SECURE", "True"),
        ("LANGUAGE_COOKIE_HTTPONLY", "True"),
        ("LANGUAGE_COOKIE_SAMESITE", "Lax"),
        ("SESSION_COOKIE_HTTPONLY", "True"),
        ("SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin"),
    ],
)
def test_production_cookies_and_opener_policy(name, value):
    assert show(f"settings.{name}", **production_env()) == value


def test_development_language_cookie_works_over_plain_http():
    assert show("settings.LANGUAGE_COOKIE_SECURE", DEBUG="true") == "False"


# Run in a process with the production profile against the test database: the answers a
# browser gets over HTTPS (the TLS proxy says so with X-Forwarded-Proto), their headers and
# the attributes of every cookie set. Static files are served plainly: the manifest that
# collectstatic writes in production is not what these headers depend on.
PRODUCTION_ANSWERS = """
import django, json, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'
django.setup()
from django.test import Client
from django.test.utils import override_settings

HEADERS = ['Strict-Transport-Security', 'X-Content-Type-Options', 'Referrer-Policy',
           'Cross-Origin-Opener-Policy', 'X-Frame-Options', 'Content-Security-Policy']
plain = {'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'},
         'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'}}
answers = {}
with override_settings(STORAGES=plain):
    client = Client(HTTP_HOST='portal.example.org', HTTP_X_FORWARDED_PROTO='https')
    insecure = Client(HTTP_HOST='portal.example.org').get('/')
    answers['plain http'] = [insecure.status_code, insecure['Location']]
    for label, response in [
        ('home', client.get('/')),
        ('log-in page', client.get('/accounts/login/')),
        ('language', client.post('/i18n/setlang/', {'language': 'fr', 'next': '/'})),
        ('log-in', client.post('/accounts/login/', {'login': os.environ['TEST_EMAIL'],
                                                    'password': os.environ['TEST_PASSWORD']})),
    ]:
        answers[label] = {
            'status': response.status_code,
            'headers': {name: response.get(name) for name in HEADERS},
            'cookies': {
                name: [bool(m['secure']), bool(m['httponly']), m['samesite']]
                for name, m in response.cookies.items()
            },
        }
print(json.dumps(answers))
"""


@pytest.mark.django_db(transaction=True)
def test_production_answers_carry_the_security_headers_and_secure_cookies():
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from tests import factories
    from tests.passwords import strong_password

    password = strong_password()
    user = factories.UserFactory(email="owner@headers.example")
    user.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
    result = run(
        ["-c", PRODUCTION_ANSWERS],
        **production_env(DATABASE_URL=url, TEST_EMAIL=user.email, TEST_PASSWORD=password),
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)

    assert answers["plain http"] == [301, "https://portal.example.org/"]
    for label in ["home", "log-in page", "language", "log-in"]:
        headers = answers[label]["headers"]
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), label
        assert headers["X-Content-Type-Options"] == "nosniff", label
        assert headers["Referrer-Policy"] == "same-origin", label
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", label
        assert headers["X-Frame-Options"] == "DENY", label
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], label
    assert [
        answers[label]["status"] for label in ["home", "log-in page", "language", "log-in"]
    ] == [
        200,
        200,
        302,
        302,
    ]
    # Every cookie the portal sets: HTTPS only; all but the CSRF token out of scripts' reach.
    assert answers["log-in page"]["cookies"] == {"csrftoken": [True, False, "Lax"]}
    assert answers["language"]["cookies"]["django_language"] == [True, True, "Lax"]
    assert answers["log-in"]["cookies"]["sessionid"] == [True, True, "Lax"]
    every = [
        attributes
        for label in ["home", "log-in page", "language", "log-in"]
        for attributes in answers[label]["cookies"].values()
    ]
    assert all(secure for secure, _, _ in every)
