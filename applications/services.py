from django.db import transaction

from applications.enums import MemberRole
from applications.models import Company, CompanyMember


@transaction.atomic
def register_company(user, *, name, country):
    """Create an applicant company with the person registering it as its owner."""
    company = Company.objects.create(name=name.strip(), country=country)
    CompanyMember.objects.create(company=company, user=user, role=MemberRole.OWNER)
    return company


@transaction.atomic
def add_company_member(company, *, user, role=MemberRole.STAFF):
    member, _ = CompanyMember.objects.get_or_create(
        company=company, user=user, defaults={"role": role}
    )
    return member


@transaction.atomic
def remove_company_member(company, *, user):
    """Access ends at once: permissions are read from membership on every request."""
    CompanyMember.objects.filter(company=company, user=user).delete()
