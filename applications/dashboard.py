"""The applications app's dashboard sections and role (portal.dashboard): the managers' work
queue, the applicant's companies, the reviewer's counts and the partner's host-fit queue.
``register()`` is called once, from ApplicationsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from applications import display, queries
from portal import dashboard
from programs import queries as programs_queries
from programs.enums import StaffRole


def applicant(user):
    # Only a member or a person with no other role gets here (is_applicant).
    companies = queries.companies_of(user).values("pk", "name", "my_role")
    if companies:
        return {"companies": companies, "applications": display.applicant_dashboard(user)}
    return {"companies": []}


def is_applicant(roles):
    # A member of a company, or someone with no role at all: an applicant-to-be, invited to
    # start. The director (a superuser) administers, and is not asked to register a company.
    return queries.MEMBER in roles or not roles


def work_waiting(user):
    return {
        "intakes": queries.work_queue(user),
        "failed_emails": programs_queries.failed_emails_visible_to(user).count(),
    }


def review_work(user):
    # Every reviewer (is_reviewer) sees their counts, none given or to give included.
    return queries.review_counts(user)


def is_reviewer(roles):
    return StaffRole.REVIEWER in roles


def host_fit(user):
    return {"waiting": queries.host_fit_waiting(user)}


def is_partner(roles):
    return programs_queries.PARTNER in roles


def register():
    # A company member, by role name.
    dashboard.register_roles(queries.member_role)
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
