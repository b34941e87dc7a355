"""The portal's settings as production loads them (DEBUG off), for a gunicorn the fault tests
start; only static files are served from the app folders, so no collectstatic is needed."""

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
