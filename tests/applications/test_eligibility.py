import itertools

import pytest
from djmoney.money import Money

from applications import services
from applications.eligibility import check_company, eligible_q
from applications.enums import MemberRole
from applications.models import Application
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake():
    intake = factories.IntakeFactory(
        min_years_operating=3,
        min_employees=5,
        min_annual_revenue=Money(500_000, "CAD"),
        proven_product_required=True,
        allowed_home_countries=["CA"],
    )
    intake.allowed_sectors.set([factories.sector("it")])
    return intake


PROFILES = {
    "year_founded": [2001, 2025, None],
    "employees": [40, 2, None],
    "annual_revenue": [Money(900_000, "CAD"), Money(10_000, "CAD"), None],
    "paying_customers": [12, 0, None],
    "country": ["CA", "FR"],
    "sector": ["it", "health", None],
}


def test_the_list_filter_and_the_self_check_agree_on_every_profile(intake):
    """The database condition and the plain-words evaluation are the same rules."""
    keys = list(PROFILES)
    for values in itertools.islice(itertools.product(*PROFILES.values()), 0, None, 7):
        profile = dict(zip(keys, values, strict=True))
        sector = profile.pop("sector")
        owner = factories.CompanyMemberFactory(
            role=MemberRole.OWNER,
            company__sector=factories.sector(sector) if sector else None,
            company__proof="Invoices",
            **{f"company__{key}": value for key, value in profile.items()},
        )
        services.start_application(owner.company, intake, by=owner.user)
    eligible_in_db = set(
        Application.objects.filter(eligible_q(intake)).values_list("company_id", flat=True)
    )
    for application in Application.objects.select_related("company__sector"):
        check = check_company(intake, application.company)
        assert (application.company_id in eligible_in_db) is check["eligible"], (
            application.company.__dict__
        )
    assert eligible_in_db  # the sample holds at least one eligible company


def test_revenue_in_another_currency_is_compared_at_the_recorded_rate(intake):
    from django.utils import timezone

    from programs.models import ExchangeRate

    ExchangeRate.objects.create(
        currency="BRL", rate="0.26", valid_from=timezone.localdate(), source="Test"
    )
    revenues = {
        "above": Money(2_000_000, "BRL"),  # CA$520,000
        "below": Money(1_000_000, "BRL"),  # CA$260,000
        "no rate": Money(90_000_000, "INR"),
    }
    companies = {}
    for label, revenue in revenues.items():
        owner = factories.CompanyMemberFactory(
            role=MemberRole.OWNER,
            company__sector=factories.sector("it"),
            company__year_founded=2001,
            company__employees=40,
            company__annual_revenue=revenue,
            company__paying_customers=12,
            company__proof="Invoices",
        )
        services.start_application(owner.company, intake, by=owner.user)
        companies[label] = owner.company
    eligible_in_db = set(
        Application.objects.filter(eligible_q(intake)).values_list("company_id", flat=True)
    )
    assert eligible_in_db == {companies["above"].pk}
    assert {label: check_company(intake, c)["eligible"] for label, c in companies.items()} == {
        "above": True,
        "below": False,
        "no rate": False,
    }
