from django.db.models import F, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationEvent,
    BudgetLine,
    Company,
    CompanyMember,
    HostPreference,
)
from programs.models import DeskOffer
from programs.queries import intakes_managed_by


def companies_of(user):
    """Companies a person belongs to, each annotated with the person's role (``my_role``)."""
    return (
        Company.objects.filter(members__user=user)
        .annotate(my_role=F("members__role"))
        .order_by("name")
    )


def companies_visible_to(user):
    companies = Company.objects.prefetch_related(
        Prefetch("members", queryset=CompanyMember.objects.select_related("user"))
    )
    if user.is_superuser:
        return companies
    return companies.filter(members__user=user)


def open_invitations(company):
    return company.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def applications_visible_to(user):
    """Applications of the person's companies, and of the intakes the person manages."""
    applications = Application.objects.select_related("company", "intake__program")
    if user.is_superuser:
        return applications
    managed = intakes_managed_by(user)
    return applications.filter(Q(company__members__user=user) | Q(intake__in=managed)).distinct()


def with_everything(applications):
    """What the application's pages show, loaded in a fixed number of queries."""
    return applications.select_related("intake__program").prefetch_related(
        Prefetch(
            "host_preferences",
            queryset=HostPreference.objects.select_related("host__market").order_by("rank"),
        ),
        Prefetch(
            "intake__desk_offers",
            queryset=DeskOffer.objects.select_related("host__market").order_by("host__name"),
        ),
        "budget_lines",
        "documents",
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
        Prefetch("company__members", queryset=CompanyMember.objects.select_related("user")),
    )


def applications_of(user):
    """The person's companies' applications, newest first, for the applicant dashboard."""
    return (
        Application.objects.filter(company__members__user=user)
        .select_related("company", "intake")
        .prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.order_by("at", "pk"))
        )
        .order_by("-created_at")
    )


def intake_applications(intake):
    """An intake's applications, for the manager's filters; pages add what they show."""
    return Application.objects.filter(intake=intake).order_by("company__name", "pk")


def for_export(applications):
    """The CSV export's columns, in a fixed number of queries."""
    budget = (
        BudgetLine.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(total=Sum("amount_converted"))
        .values("total")
    )
    return (
        applications.select_related("company__sector")
        .prefetch_related(
            Prefetch(
                "host_preferences",
                queryset=HostPreference.objects.select_related("host").order_by("rank"),
            )
        )
        .annotate(budget_cad=Subquery(budget))
    )


LIST_COLUMNS = [
    "pk",
    "status",
    "submitted_at",
    "company__name",
    "company__country",
    "company__sector__code",
]


def list_rows(applications):
    """One page of the manager's list as plain rows: two queries, no model instances.

    ``applications`` is the filtered, ordered queryset sliced to a page.
    """
    page = list(applications.values(*LIST_COLUMNS))
    ids = [row["pk"] for row in page]
    hosts = {}
    for application_id, name in (
        HostPreference.objects.filter(application_id__in=ids)
        .order_by("application_id", "rank")
        .values_list("application_id", "host__name")
    ):
        hosts.setdefault(application_id, []).append(name)
    totals = dict(
        BudgetLine.objects.filter(application_id__in=ids)
        .values("application_id")
        .annotate(total=Sum("amount_converted"))
        .values_list("application_id", "total")
    )
    return page, hosts, totals
