from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from placements import queries
        from portal import dashboard

        def partner(user):
            # Shown once a firm has accepted a place at one of the person's hosts.
            counts = queries.partner_counts(user)
            return {"counts": counts} if any(counts.values()) else None

        def manager(user):
            programs = queries.manager_counts(user)
            return {"programs": programs} if programs else None

        def firm(user):
            found = queries.firm_placements(user)
            return found if found["placements"] or found["waiting"] else None

        dashboard.register(
            dashboard.Section(
                key="placements-manager",
                title=_("Placements"),
                template="placements/dashboard/manager.html",
                load=manager,
                present=queries.manages_accepted_offers,
                order=6,
            )
        )
        dashboard.register(
            dashboard.Section(
                key="placements-partner",
                title=_("Placements at your incubator"),
                template="placements/dashboard/partner.html",
                load=partner,
                present=queries.hosts_accepted_offers,
                order=31,
            )
        )
        dashboard.register(
            dashboard.Section(
                key="placements-firm",
                title=_("Your placement"),
                template="placements/dashboard/firm.html",
                load=firm,
                present=queries.firm_has_accepted_offer,
                order=39,
            )
        )
