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

        def applicant(user):
            companies = queries.companies_of(user)
            if companies:
                return {"companies": companies, "applications": queries.applicant_dashboard(user)}
            # A person with no other role is an applicant-to-be: invite them to start. The
            # director (a superuser) administers, and is not asked to register a company.
            if user.is_superuser or user.program_roles.exists() or user.partner_hosts.exists():
                return None
            return {"companies": []}

        def present(user_id):
            # The same rule as applicant(): a member of a company, or someone with no role.
            from django.db.models import Exists, Q

            from applications.models import CompanyMember
            from programs.models import HostIncubator, ProgramStaff

            def exists(queryset):
                return Exists(queryset.filter(user=user_id))

            return Q(exists(CompanyMember.objects.all())) | ~(
                Q(exists(ProgramStaff.objects.all()))
                | Q(exists(HostIncubator.partner_staff.through.objects.all()))
                | Q(is_superuser=True)
            )

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
                present=present,
                order=40,
            )
        )

        def review_work(user):
            counts = queries.review_counts(user)
            return counts if counts["total"] else None

        def has_reviews(user_id):
            from django.db.models import Exists

            from applications.models import Review

            return Exists(Review.objects.filter(queries.by_current_reviewers(), reviewer=user_id))

        def host_fit(user):
            if not user.partner_hosts.exists():
                return None
            return {"waiting": queries.host_fit_waiting(user)}

        dashboard.register(
            dashboard.Section(
                key="review-work",
                title=_("Applications to review"),
                template="applications/dashboard/reviews.html",
                load=review_work,
                present=has_reviews,
                order=25,
            )
        )
        dashboard.register(
            dashboard.Section(
                key="host-fit",
                title=_("Host fit"),
                template="applications/dashboard/host_fit.html",
                load=host_fit,
                present=programs_queries.is_partner,
                order=35,
            )
        )
