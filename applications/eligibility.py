"""A company's eligibility for an intake: the intake's rules applied to the company's profile."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from programs import eligibility
from programs.queries import current_rates
from programs.services import NoExchangeRate, to_program_currency


def _revenue_in(currency, revenue):
    """Revenue in the rule's currency: as given, or converted into the program's at today's
    recorded rate; None when it cannot be compared."""
    if revenue is None or str(revenue.currency) == currency:
        return revenue
    if currency != settings.PORTAL_CURRENCY:
        return None
    try:
        return to_program_currency(revenue)[0]
    except NoExchangeRate:
        return None


def facts_of(company, intake):
    minimum = intake.min_annual_revenue
    revenue = company.annual_revenue
    if minimum is not None:
        revenue = _revenue_in(str(minimum.currency), revenue)
    return eligibility.FirmFacts(
        years_operating=company.years_operating,
        employees=company.employees,
        annual_revenue=revenue,
        has_proven_product=company.has_proven_product,
        home_country=company.country.code or None,
        sector=company.sector.code if company.sector_id else None,
    )


def check_company(intake, company):
    results = eligibility.evaluate(intake, facts_of(company, intake))
    return {"results": results, "eligible": eligibility.is_eligible(results)}


def eligible_q(intake, today=None):
    """The intake's rules as one database condition on an application's company.

    The same rules as ``programs.eligibility.evaluate``; a fact the company has not given
    counts as not met here, so the filter never calls an incomplete profile eligible.
    Revenue in another currency is compared at the same recorded rates as ``facts_of``.
    """
    today = today or timezone.localdate()
    condition = Q()
    if intake.min_years_operating:
        condition &= Q(company__year_founded__lte=today.year - intake.min_years_operating)
    if intake.min_employees:
        condition &= Q(company__employees__gte=intake.min_employees)
    minimum = intake.min_annual_revenue
    if minimum is not None and minimum.amount > 0:
        currency = str(minimum.currency)
        revenue = Q(
            company__annual_revenue_currency=currency,
            company__annual_revenue__gte=minimum.amount,
        )
        if currency == settings.PORTAL_CURRENCY:
            for code, rate in current_rates(today).items():
                revenue |= Q(
                    company__annual_revenue_currency=code,
                    company__annual_revenue__gte=Decimal(minimum.amount) / rate,
                )
        condition &= revenue
    if intake.proven_product_required:
        condition &= Q(company__paying_customers__gt=0) & ~Q(company__proof="")
    countries = [country.code for country in intake.allowed_home_countries]
    if countries:
        condition &= Q(company__country__in=countries)
    sectors = list(intake.allowed_sectors.values_list("pk", flat=True))
    if sectors:
        condition &= Q(company__sector__in=sectors)
    return condition
