"""Turn the failures a person can fix at start-up into one clear sentence.

Settings stop with ``SystemExit`` (see ``portal.settings``); this module covers
what only shows once Django runs: a database or a broker that cannot be reached.
"""

from urllib.parse import urlsplit


def describe_url(url):
    """A URL without its password, safe to print."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def explain_startup_failure(exc):
    """Return one sentence for a known start-up failure, or None."""
    from django.conf import settings
    from django.db import OperationalError as DatabaseError
    from kombu.exceptions import OperationalError as BrokerError

    if isinstance(exc, DatabaseError):
        db = settings.DATABASES["default"]
        where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 'default port'}"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if db["ENGINE"].endswith("sqlite3"):
            where = str(db["NAME"])
        return (
            f"Cannot reach the database at {where} ({reason}); "
            "check DATABASE_URL and that the database server is running."
        )
    if isinstance(exc, BrokerError):
        return (
            f"Cannot reach the task broker at {describe_url(settings.CELERY_BROKER_URL)}; "
            "check CELERY_BROKER_URL and that Redis is running, or unset it to run tasks inline."
        )
    return None
