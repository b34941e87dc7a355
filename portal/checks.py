"""Deployment checks (``manage.py check --deploy``) of what production needs besides its
secrets, which start-up already refuses to do without (portal/settings.py): a broker, so
that emails, screening and documents are not worked inside web requests, and a cache every
process shares, so that rate limits count across gunicorn's workers."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def production_services(app_configs, **kwargs):
    found = []
    if not settings.CELERY_BROKER_URL:
        found.append(
            Warning(
                "CELERY_BROKER_URL is not set: tasks (emails, screening, documents) run "
                "inside web requests, and nothing retries an email that failed.",
                hint="Set CELERY_BROKER_URL=redis://... and run a worker and beat.",
                id="portal.W001",
            )
        )
    if not settings.CACHE_URL:
        found.append(
            Warning(
                "CACHE_URL is not set: each web process keeps its own cache, so the log-in "
                "and API rate limits count per process.",
                hint="Set CACHE_URL=redis://... (a cache every web process shares).",
                id="portal.W002",
            )
        )
    return found
