"""The applications' objects a URL names, loaded through portal.access.require: by id from a
plain queryset, with what the rules ask about the person loaded in the same query (their role
in the company, on the intake, their assignment), then the rules decide: a 404 for what is not
the person's, a 403 for what they see but may not do."""

from applications.models import Application, Company, HostPreference, Offer, Review, SelectionRun
from applications.rules import with_person_access, with_person_assignment, with_person_membership
from portal.access import require
from programs.rules import with_person_partnership, with_person_roles


def application_for(user, pk, act=None, queryset=None):
    """An application the person may read (applications.read_application: its company's
    members, its intake's managers, its assigned reviewers), else a 404; with ``act``, a 403
    to those who may not ``act``. ``queryset``: what the page shows with it."""
    applications = Application.objects.all() if queryset is None else queryset
    applications = with_person_assignment(with_person_access(applications, user), user)
    return require(user, "applications.read_application", applications, act=act, pk=pk)


def company_for(user, pk, act):
    companies = Company.objects.prefetch_related("members__user")
    return require(
        user,
        "applications.view_company",
        with_person_membership(companies, user, "pk"),
        act=act,
        pk=pk,
    )


def review_for(user, pk):
    """The person's review, while they review its intake (applications.view_review)."""
    reviews = Review.objects.select_related(
        "application__company__sector", "application__intake__program"
    )
    return require(
        user, "applications.view_review", with_person_roles(reviews, user, "intake"), pk=pk
    )


def run_for(user, pk):
    """A selection run of an intake the person manages (applications.view_selectionrun)."""
    runs = SelectionRun.objects.select_related("intake__program")
    return require(
        user, "applications.view_selectionrun", with_person_roles(runs, user, "intake"), pk=pk
    )


def offer_for(user, pk):
    """An offer the person may see: its intake's managers, and its company's members once
    the decisions are released (applications.view_offer); before, a 404 to the applicant."""
    offers = Offer.objects.select_related("application__company", "intake", "host__market")
    offers = with_person_access(offers, user, company="application__company")
    return require(user, "applications.view_offer", offers, pk=pk)


def host_fit_target(user, application_pk, host_pk):
    """The (application, host) choice a partner of the host may give an opinion on
    (applications.give_host_fit), else a 404."""
    choices = HostPreference.objects.select_related("application__company", "host")
    return require(
        user,
        "applications.give_host_fit",
        with_person_partnership(choices, user, "host"),
        application=application_pk,
        host=host_pk,
    )
