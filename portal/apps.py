from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import checks, sqlite  # noqa: F401 - checks registers itself

        # On SQLite, case-insensitive searches ignore the case of every letter, not only
        # ASCII ones (portal/sqlite.py).
        connection_created.connect(sqlite.fold_case_in_like, dispatch_uid="portal.sqlite.like")
