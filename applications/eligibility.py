"""A company's eligibility for an intake: the intake's rules applied to the company's profile."""

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
