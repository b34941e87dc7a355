from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications import dashboard, queries, services
        from programs import deadlines
        from programs import services as programs_services

        # A reviewer removed from a program loses the reviews they had not given yet.
        programs_services.when_staff_removed(services.withdraw_reviews_of_former_reviewer)
        programs_services.when_scoring_changed(services.rank_applications)
        programs_services.when_scoring_changed(services.recount_attention)
        programs_services.when_host_moved(services.recount_filters_of_host)
        # A reviewer who joins a firm's team steps down from its reviews.
        services.when_member_added(services.step_down_from_own_firm)

        # Drafts are cut short when a manager brings an intake's close forward: programs
        # asks how many and has their owners told, without importing this app.
        deadlines.register(
            deadlines.Watcher(
                key="drafts",
                cut_short=lambda intake, before, after: queries.drafts_cut_short(
                    intake, before
                ).count(),
                tell=services.tell_earlier_close,
            )
        )

        dashboard.register()
