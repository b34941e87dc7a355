from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from portal import dashboard
        from programs import queries

        def manager(user):
            programs = list(queries.programs_managed_by(user))
            return {"programs": programs} if programs else None

        def reviewer(user):
            programs = list(queries.programs_reviewed_by(user))
            return {"programs": programs} if programs else None

        def partner(user):
            hosts = list(queries.hosts_acting_for(user))
            return {"hosts": hosts} if hosts else None

        dashboard.register(
            dashboard.Section(
                key="manager",
                title=_("Programs you manage"),
                template="programs/dashboard/manager.html",
                load=manager,
                order=10,
            )
        )
        dashboard.register(
            dashboard.Section(
                key="reviewer",
                title=_("Your reviews"),
                template="programs/dashboard/reviewer.html",
                load=reviewer,
                order=20,
            )
        )
        dashboard.register(
            dashboard.Section(
                key="partner",
                title=_("Your host incubators"),
                template="programs/dashboard/partner.html",
                load=partner,
                order=30,
            )
        )
