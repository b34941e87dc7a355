from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self):
        from outcomes import dashboard, home, queries, services
        from placements import stipends, watchers
        from placements.enums import TrancheCondition
        from programs import services as programs_services

        dashboard.register()
        home.register()
        # Placed firms and payments are figures' inputs that placements' services change.
        watchers.register(watchers.Watcher("outcomes-figures", services.intakes_changed))
        # The kept cells group opportunities by their host's market.
        programs_services.when_host_moved(services.host_moved)
        # A stipend awarded after the end-of-stay report was verified: its tranche is due.
        stipends.register_condition(TrancheCondition.REPORT_VERIFIED, queries.end_of_stay_verified)
