"""A company's eligibility for an intake: the intake's rules applied to the company's profile."""

from django.db.models import Q
from django.utils import timezone

from programs import eligibility
from programs.services import NoExchangeRate, to_program_currency


def facts_of(company, intake):
    revenue = company.annual_revenue
    if revenue is not None and intake.min_annual_revenue is not None:
        # Compare in one currency: the program's, at today's recorded rate.
        try:
            revenue, _rate = to_program_currency(revenue)
            revenue = revenue if intake.min_annual_revenue.currency == revenue.currency else None
        except NoExchangeRate:
            revenue = None
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
    Revenue in another currency than the rule's is left to screening, which converts it.
    """
    today = today or timezone.localdate()
    condition = Q()
    if intake.min_years_operating:
        condition &= Q(company__year_founded__lte=today.year - intake.min_years_operating)
    if intake.min_employees:
        condition &= Q(company__employees__gte=intake.min_employees)
    minimum = intake.min_annual_revenue
    if minimum is not None and minimum.amount > 0:
        condition &= Q(
            company__annual_revenue_currency=str(minimum.currency),
            company__annual_revenue__gte=minimum.amount,
        )
    if intake.proven_product_required:
        condition &= Q(company__paying_customers__gt=0) & ~Q(company__proof="")
    countries = [country.code for country in intake.allowed_home_countries]
    if countries:
        condition &= Q(company__country__in=countries)
    sectors = list(intake.allowed_sectors.values_list("pk", flat=True))
    if sectors:
        condition &= Q(company__sector__in=sectors)
    return condition
