"""The applications' objects a URL names, loaded through portal.access.require: by id from a
plain queryset, with what the rules ask about the person (their role in the company and
their assignment loaded in the same query; their roles on the intake asked once when a rule
needs them, then kept on the row), then the rules decide: a 404 for what is not the
person's, a 403 for what they see but may not do."""

from django.db.models import Prefetch

from applications.models import (
    Application,
    Company,
    CompanyMember,
    HostPreference,
    Offer,
    Review,
    SelectionRun,
)
from applications.rules import with_person_access, with_person_assignment, with_person_membership
from portal.access import require
from programs.rules import with_person_partnership, with_person_roles


def applications_for(user, queryset=None):
    """Applications (``queryset``: what the page shows with them) with what the rules ask."""
    applications = Application.objects.all() if queryset is None else queryset
    return with_person_assignment(with_person_access(applications, user), user)


def reviews_for(user):
    reviews = Review.objects.select_related(
        "application__company__sector", "application__intake__program"
    )
    return with_person_access(reviews, user, company="application__company")


def runs_for(user):
    return with_person_roles(SelectionRun.objects.select_related("intake__program"), user)


def offers_for(user):
    offers = Offer.objects.select_related("application__company", "intake", "host__market")
    return with_person_access(offers, user, company="application__company")


def host_choices_for(user):
    choices = HostPreference.objects.select_related("application__company", "host")
    return with_person_partnership(choices, user, "host")


def application_for(user, pk, act=None, queryset=None):
    """An application the person may read (applications.read_application: its company's
    members, its intake's managers, its assigned reviewers), else a 404; with ``act``, a 403
    to those who may not ``act``."""
    # Most who open an application are its firm's members: their role in the company comes
    # with it, and the applicant predicate comes first; a manager's or reviewer's role is
    # asked once when the rules reach it (with_person_roles).
    applications = Application.objects.all() if queryset is None else queryset
    applications = with_person_access(applications, user)
    return require(user, "applications.read_application", applications, act=act, pk=pk)


def company_for(user, pk, act):
    members = Prefetch("members", queryset=CompanyMember.objects.select_related("user"))
    companies = with_person_membership(Company.objects.prefetch_related(members), user, "pk")
    return require(user, "applications.view_company", companies, act=act, pk=pk)


def review_for(user, pk):
    """The person's review, while they review its intake and are not on its firm's team
    (applications.view_review; their role in the firm comes with the review's load)."""
    return require(user, "applications.view_review", reviews_for(user), pk=pk)


def run_for(user, pk):
    """A selection run of an intake the person manages (applications.view_selectionrun)."""
    return require(user, "applications.view_selectionrun", runs_for(user), pk=pk)


def offer_for(user, pk):
    """An offer the person may see: its intake's managers, and its company's members once
    the decisions are released (applications.view_offer); before, a 404 to the applicant."""
    return require(user, "applications.view_offer", offers_for(user), pk=pk)


def host_fit_target(user, application_pk, host_pk):
    """The (application, host) choice a partner of the host may give an opinion on
    (applications.give_host_fit), else a 404."""
    return require(
        user,
        "applications.give_host_fit",
        host_choices_for(user),
        application=application_pk,
        host=host_pk,
    )
