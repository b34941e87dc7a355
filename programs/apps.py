from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from portal import dashboard
        from programs import queries

        def listing(name, query):
            def load(user):
                rows = list(query(user))
                return {name: rows} if rows else None

            return load

        sections = [
            ("manager", _("Programs you manage"), "programs", queries.programs_managed_by),
            ("reviewer", _("Your reviews"), "programs", queries.programs_reviewed_by),
            ("partner", _("Your host incubators"), "hosts", queries.hosts_acting_for),
        ]
        for order, (key, title, name, query) in enumerate(sections, start=1):
            dashboard.register(
                dashboard.Section(
                    key=key,
                    title=title,
                    template=f"programs/dashboard/{key}.html",
                    load=listing(name, query),
                    order=order * 10,
                )
            )
