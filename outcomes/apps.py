from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self):
        from outcomes import dashboard, home, services
        from placements import watchers

        dashboard.register()
        home.register()
        # Placed firms and payments are figures' inputs that placements' services change.
        watchers.register(watchers.Watcher("outcomes-figures", services.intakes_changed))
