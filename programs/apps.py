from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from django.db.models import Exists

        from portal import dashboard
        from programs import queries
        from programs.enums import StaffRole
        from programs.models import ProgramStaff

        def listing(name, query):
            def load(user):
                rows = list(query(user))
                return {name: rows} if rows else None

            return load

        def has_role(role):
            return lambda user_id: Exists(ProgramStaff.objects.filter(user=user_id, role=role))

        sections = [
            ("manager", _("Programs you manage"), "programs", queries.programs_managed_by,
             queries.manages_or_directs),
            ("reviewer", _("Your reviews"), "programs", queries.programs_reviewed_by,
             has_role(StaffRole.REVIEWER)),
            ("partner", _("Your host incubators"), "hosts", queries.hosts_acting_for,
             queries.is_partner),
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
