"""Production refuses what would silently go wrong: a database that is a file in the
checkout, emails written in the log, API limits it would misread (portal/settings.py), and
``check --deploy`` names a missing broker or shared cache (portal/checks.py)."""

import pytest

from tests.portal.test_settings import production_env, run


def refusal(**env):
    result = run(["manage.py", "check"], **env)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr.strip()


def test_production_names_its_database():
    assert refusal(**production_env(DATABASE_URL="")) == (
        "Configuration error: DATABASE_URL is not set; set it to the production database, e.g. "
        "postgres://portal:<password>@127.0.0.1:5432/portal "
        "(or sqlite:////path/to/portal.sqlite3 on purpose)."
    )


def test_an_empty_database_url_in_development_means_sqlite():
    result = run(["manage.py", "check"], DEBUG="true", DATABASE_URL="")
    assert result.returncode == 0, result.stderr


def test_production_names_its_mail_server_and_never_prints_emails():
    assert refusal(**production_env(EMAIL_URL="")).startswith(
        "Configuration error: EMAIL_URL is not set;"
    )
    assert refusal(**production_env(EMAIL_URL="consolemail://")) == (
        "Configuration error: EMAIL_URL is consolemail://, which writes every email "
        "(password-reset links included) in the log and sends none; set the mail server in "
        "production."
    )


@pytest.mark.parametrize("rate", ["120", "1000/week", "10/fortnight", "abc", "1000/month"])
def test_an_api_rate_that_would_be_misread_is_refused(rate):
    assert refusal(DEBUG="true", PORTAL_API_RATE_TOKEN=rate) == (
        "Configuration error: PORTAL_API_RATE_TOKEN must be a number of requests per second, "
        "minute, hour or day, e.g. 120/minute, or empty for no limit, not "
        f"{rate!r}."
    )


def test_api_rates_in_every_unit_or_none_are_accepted():
    for rate in ["5/second", "120/minute", "1000/hour", "20000/day", "10/m", ""]:
        result = run(["manage.py", "check"], DEBUG="true", PORTAL_API_RATE_ADDRESS=rate)
        assert result.returncode == 0, (rate, result.stderr)


def test_a_wrong_log_level_or_currency_is_one_sentence():
    assert refusal(DEBUG="true", LOG_LEVEL="verbose") == (
        "Configuration error: LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not "
        "'VERBOSE'."
    )
    assert refusal(DEBUG="true", PORTAL_CURRENCY="EURO") == (
        "Configuration error: PORTAL_CURRENCY must be an ISO 4217 code such as CAD, not 'EURO'."
    )


def test_check_deploy_names_a_missing_broker_and_shared_cache():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(CELERY_BROKER_URL="", CACHE_URL=""),
    )
    assert result.returncode == 1
    assert "(portal.W001) CELERY_BROKER_URL is not set" in result.stderr
    assert "(portal.W002) CACHE_URL is not set" in result.stderr


def test_the_demo_passwords_are_not_buried_under_its_emails(tmp_path):
    """bin/run's terminal: the one print of the passwords came after about 1,100 lines of
    the demo's console emails and Celery's line per task."""
    database = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env = {"DEBUG": "true", "DATABASE_URL": database, "EMAIL_URL": "consolemail://"}
    assert run(["manage.py", "migrate", "-v0"], **env).returncode == 0
    result = run(["manage.py", "seed_demo"], **env)
    assert result.returncode == 0, result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    assert len(lines) < 40, lines[:5]
    assert lines[0].startswith("The demo's ")
    assert "emails were kept off this terminal" in lines[0]
    assert "`DEBUG=true .venv/bin/python manage.py changepassword EMAIL`" in result.stdout
