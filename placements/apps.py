from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from placements import dashboard, holds
        from placements.models import StipendAward
        from programs import services as programs_services

        dashboard.register()
        # An intake's stipend cap and pool keep their currency once it has awards: their
        # tranches and claims are sums in it (programs cannot count them itself).
        programs_services.when_currency_held(
            lambda intake: StipendAward.objects.filter(intake=intake).count()
        )
        # An intake's desks and window, and a host's capacity, keep room for the stays
        # already confirmed (programs cannot count them itself).
        programs_services.when_stays_held(
            programs_services.StayHolder(desks_held=holds.desks_held, stays=holds.stays)
        )
