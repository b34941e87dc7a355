from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from portal import dashboard
        from programs import queries
        from programs.enums import StaffRole

        def listing(name, query):
            def load(user):
                rows = list(query(user))
                return {name: rows} if rows else None

            return load

        dashboard.register_roles(queries.staff_roles)
        dashboard.register_roles(queries.partner_role)

        sections = [
            ("manager", _("Programs you manage"), "programs", queries.programs_managed_by,
             queries.manages_or_directs),
            ("reviewer", _("Your reviews"), "programs", queries.programs_reviewed_by,
             lambda roles: StaffRole.REVIEWER in roles),
            ("partner", _("Your host incubators"), "hosts", queries.hosts_acting_for,
             lambda roles: queries.PARTNER in roles),
        ]  # fmt: skip
        for order, (key, title, name, query, present) in enumerate(sections, start=1):
            dashboard.register(
                dashboard.Section(
                    key=key,
                    title=title,
                    template=f"programs/dashboard/{key}.html",
                    load=listing(name, query),
                    present=present,
                    order=order * 10,
                )
            )
