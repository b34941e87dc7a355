from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications import queries, services
        from portal import dashboard
        from programs import deadlines
        from programs import queries as programs_queries
        from programs import services as programs_services
        from programs.enums import StaffRole

        # A reviewer removed from a program loses the reviews they had not given yet.
        programs_services.when_staff_removed(services.withdraw_reviews_of_former_reviewer)
        programs_services.when_scoring_changed(services.rank_applications)

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

        # A company member, by role name (portal.dashboard.register_roles).
        dashboard.register_roles(queries.member_role)

        def applicant(user):
            # Only a member or a person with no other role gets here (is_applicant).
            companies = queries.companies_of(user)
            if companies:
                return {"companies": companies, "applications": queries.applicant_dashboard(user)}
            return {"companies": []}

        def is_applicant(roles):
            # A member of a company, or someone with no role at all: an applicant-to-be,
            # invited to start. The director (a superuser) administers, and is not asked to
            # register a company.
            return queries.MEMBER in roles or not roles

        def work_waiting(user):
            return {
                "intakes": queries.work_queue(user),
                "failed_emails": programs_queries.failed_emails_visible_to(user).count(),
            }

        dashboard.register(
            dashboard.Section(
                key="work-queue",
                title=_("Work waiting"),
                template="applications/dashboard/work_queue.html",
                load=work_waiting,
                present=programs_queries.manages_or_directs,
                order=5,
            )
        )

        dashboard.register(
            dashboard.Section(
                key="applicant",
                title=_("Your companies"),
                template="applications/dashboard/applicant.html",
                load=applicant,
                present=is_applicant,
                order=40,
            )
        )

        def review_work(user):
            # Every reviewer (is_reviewer) sees their counts, none given or to give included.
            return queries.review_counts(user)

        def is_reviewer(roles):
            return StaffRole.REVIEWER in roles

        def host_fit(user):
            return {"waiting": queries.host_fit_waiting(user)}

        def is_partner(roles):
            return programs_queries.PARTNER in roles

        dashboard.register(
            dashboard.Section(
                key="review-work",
                title=_("Applications to review"),
                template="applications/dashboard/reviews.html",
                load=review_work,
                present=is_reviewer,
                order=25,
            )
        )
        dashboard.register(
            dashboard.Section(
                key="host-fit",
                title=_("Host fit"),
                template="applications/dashboard/host_fit.html",
                load=host_fit,
                present=is_partner,
                order=35,
            )
        )
