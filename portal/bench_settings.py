"""The portal's settings for ``manage.py bench_burst``: production's, plus the bare page.

The benchmark starts gunicorn and a Celery worker with these settings so that it can time
the bare page (portal.bench_urls) on the very server that answers the firms; its collected
static files go to a scratch folder, not into the checkout.
"""

from portal.settings import *  # noqa: F403
from portal.settings import env

ROOT_URLCONF = "portal.bench_urls"
STATIC_ROOT = env.path("PORTAL_BENCH_STATIC_ROOT")
