from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from django.db.models import Exists

        from applications.enums import OfferStatus
        from applications.models import Offer
        from placements import queries
        from portal import dashboard
        from programs import queries as programs_queries

        def partner(user):
            return {"counts": queries.partner_counts(user)}

        def manager(user):
            programs = queries.manager_counts(user)
            return {"programs": programs} if programs else None

        def firm(user):
            found = queries.firm_placements(user)
            return found if found["placements"] or found["waiting"] else None

        def has_accepted_offer(user_id):
            # Every placement has its accepted offer: one EXISTS covers both.
            return Exists(
                Offer.objects.filter(
                    status=OfferStatus.ACCEPTED, application__company__members__user=user_id
                )
            )

        dashboard.register(
            dashboard.Section(
                key="placements-manager",
                title=_("Placements"),
                template="placements/dashboard/manager.html",
                load=manager,
                present=programs_queries.manages_or_directs,
                order=6,
            )
        )
        dashboard.register(
            dashboard.Section(
                key="placements-partner",
                title=_("Placements at your incubator"),
                template="placements/dashboard/partner.html",
                load=partner,
                present=programs_queries.is_partner,
                order=31,
            )
        )
        dashboard.register(
            dashboard.Section(
                key="placements-firm",
                title=_("Your placement"),
                template="placements/dashboard/firm.html",
                load=firm,
                present=has_accepted_offer,
                order=39,
            )
        )
