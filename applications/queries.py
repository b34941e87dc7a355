from django.db.models import F, Prefetch
from django.utils import timezone

from applications.models import Company, CompanyMember


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
