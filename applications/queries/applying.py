"""Reads for the applicant's side: companies and their members, applications and their
pages, the manager's list of an intake's applications (mirrors services.applying)."""

from django.db.models import (
    F,
    Prefetch,
    Q,
    Value,
)
from django.utils import timezone
from django_countries import countries

from applications.enums import (
    ApplicationStatus,
)
from applications.models import (
    Application,
    ApplicationEvent,
    Company,
    CompanyMember,
    HostPreference,
)
from portal.dashboard import NO_SCOPE
from programs.models import DeskOffer, HostIncubator

__all__ = [
    "MEMBER",
    "member_role",
    "companies_of",
    "member_recipients",
    "open_invitations",
    "with_everything",
    "for_step",
    "for_saving",
    "applications_of",
    "intake_applications",
    "for_export",
    "filter_choices",
    "LIST_COLUMNS",
    "host_names",
    "drafts_cut_short",
]


# The role name of a company member, for the dashboard (portal.dashboard.register_roles).
MEMBER = "member"


# The role rows' columns, built once (as programs.queries' staff rows).
_MEMBER_ROWS = CompanyMember.objects.order_by().values_list(Value(MEMBER), *NO_SCOPE)


def member_role(user_id):
    """MEMBER when the person of that id is a member of any company."""
    return _MEMBER_ROWS.filter(user=user_id)


def companies_of(user):
    """Companies a person belongs to, each annotated with the person's role (``my_role``)."""
    return (
        Company.objects.filter(members__user=user)
        .annotate(my_role=F("members__role"))
        .order_by("name")
    )


def member_recipients(company_ids):
    """Each company's members as (email address, language), by address: {company id:
    [(address, language), ...]}, in one query whatever the number of companies (for emails to
    many applicants at once, each in its reader's language)."""
    recipients = {}
    for company_id, email, language in (
        CompanyMember.objects.filter(company_id__in=company_ids)
        .order_by("company_id", "user__email")
        .values_list("company_id", "user__email", "user__language")
    ):
        recipients.setdefault(company_id, []).append((email, language))
    return recipients


def open_invitations(company):
    return company.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def with_everything(applications):
    """What the application's pages show, loaded in a fixed number of queries."""
    return applications.select_related("intake__program", "company__sector").prefetch_related(
        *[_shown_with(lookup) for lookup in STEP_SHOWS["review"]],
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
        Prefetch("company__members", queryset=CompanyMember.objects.select_related("user")),
    )


def _shown_with(lookup):
    """The prefetch for one kind of thing an application's pages list."""
    if lookup == "host_preferences":
        return Prefetch(
            "host_preferences",
            queryset=HostPreference.objects.select_related("host__market").order_by("rank"),
        )
    if lookup == "intake__desk_offers":
        return Prefetch(
            "intake__desk_offers",
            queryset=DeskOffer.objects.select_related("host__market").order_by("host__name"),
        )
    return lookup


# What each step of the applicant's journey lists besides the application itself.
STEP_SHOWS = {
    "hosts": ["host_preferences", "intake__desk_offers"],
    "budget": ["budget_lines"],
    "documents": ["documents"],
    # The review step (and the staff's and reviewers' pages, with_everything) read the
    # intake's desks only while the draft is editable, to say what is missing
    # (services.missing_items): it asks them then rather than on every view.
    "review": ["host_preferences", "budget_lines", "documents"],
}


def for_step(applications, step=None):
    """What a page of the applicant's journey shows: the application with its intake, its
    company and its history (the status the applicant reads depends on it), and what the
    step (a key of STEP_SHOWS, or None for none) lists. The case, dates and objectives steps
    read nothing more, so their pages (and a deadline rush's) cost three queries, not nine."""
    return applications.select_related("intake__program", "company").prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
        *[_shown_with(lookup) for lookup in STEP_SHOWS.get(step, [])],
    )


def for_saving(applications, step=None):
    """What saving a step of a draft reads: the application; its intake on the steps whose
    forms check against it; on the hosts step, the desks its intake offers. Nothing the
    step's page shows (see for_step)."""
    if step in {"hosts", "dates", "budget"}:
        applications = applications.select_related("intake")
    if step == "hosts":
        applications = applications.prefetch_related(_shown_with("intake__desk_offers"))
    return applications


def applications_of(user):
    """The person's companies' applications, newest first."""
    return (
        Application.objects.filter(company__members__user=user)
        .select_related("company", "intake", "offer__host")
        .order_by("-created_at")
    )


def intake_applications(intake):
    """An intake's applications, for the manager's filters; pages add what they show."""
    return Application.objects.filter(intake=intake).order_by("company__name", "pk")


def for_export(applications):
    """The CSV export's columns, in a fixed number of queries."""
    return applications.select_related("company__sector").prefetch_related(
        Prefetch(
            "host_preferences",
            queryset=HostPreference.objects.select_related("host").order_by("rank"),
        )
    )


def filter_choices(intake_id):
    """The manager's market and host filters for an intake, from one query: the markets of
    the intake's hosts as (country code, name), by code (applicants can rank no other), and
    the hosts as (id, name), by name."""
    hosts = list(
        HostIncubator.objects.filter(desk_offers__intake=intake_id)
        .order_by("name")
        .values_list("pk", "name", "market__country")
    )
    codes = sorted({code for _pk, _name, code in hosts})
    return (
        tuple((code, countries.name(code)) for code in codes),
        tuple((pk, name) for pk, name, _code in hosts),
    )


LIST_COLUMNS = [
    "pk",
    "status",
    "submitted_at",
    "company__name",
    "company__country",
    "company__sector__code",
    "budget_total",
]


def _grouped(rows):
    """{first value: [the rest, ...]} from (key, value...) tuples, in their order."""
    grouped = {}
    for key, *rest in rows:
        grouped.setdefault(key, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return grouped


def host_names(page):
    """{application id: [host name, ...]} in preference order, for one page of the manager's
    list (dicts of LIST_COLUMNS): one query."""
    return _grouped(
        HostPreference.objects.filter(application_id__in=[row["pk"] for row in page])
        .order_by("application_id", "rank")
        .values_list("application_id", "host__name")
    )


def drafts_cut_short(intake, before):
    """The intake's drafts that an earlier closing time leaves less time: all but those
    whose own extension ends after ``before``, the closing time until now."""
    return Application.objects.filter(intake=intake, status=ApplicationStatus.DRAFT).filter(
        Q(deadline_override__isnull=True) | Q(deadline_override__lt=before)
    )
