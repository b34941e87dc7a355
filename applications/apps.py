from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications import queries
        from portal import dashboard

        def applicant(user):
            companies = list(queries.companies_of(user))
            if companies:
                return {
                    "companies": companies,
                    "applications": list(queries.applications_of(user)),
                }
            # A person with no other role is an applicant-to-be: invite them to start.
            if user.program_roles.exists() or user.partner_hosts.exists():
                return None
            return {"companies": []}

        def present():
            # The same rule as applicant(): a member of a company, or someone with no role.
            from django.db.models import Exists, OuterRef, Q

            from applications.models import CompanyMember
            from programs.models import HostIncubator, ProgramStaff

            def exists(queryset):
                return Exists(queryset.filter(user=OuterRef("pk")))

            return Q(exists(CompanyMember.objects.all())) | ~(
                Q(exists(ProgramStaff.objects.all()))
                | Q(exists(HostIncubator.partner_staff.through.objects.all()))
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
