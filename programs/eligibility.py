"""An intake's eligibility rules, evaluated against what a firm says about itself.

The same evaluation serves the applicant's self-check and the program's screening.
Programs come before applications (imports flow one way), so the firm arrives
here as plain facts, not as a Company.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django_countries import countries
from djmoney.money import Money

from programs.enums import SectorCode


@dataclass(frozen=True)
class FirmFacts:
    years_operating: int | None = None
    employees: int | None = None
    annual_revenue: Money | None = None  # in the intake's currency
    has_proven_product: bool | None = None
    home_country: str | None = None  # ISO 3166 code
    sector: str | None = None  # a SectorCode


@dataclass(frozen=True)
class RuleResult:
    rule: str
    requirement: str
    met: bool | None  # None: the firm has not said yet
    explanation: str


def rules_of(intake):
    """The rules an intake sets, as (key, requirement in plain words)."""
    rules = []
    if intake.min_years_operating:
        rules.append(
            (
                "years_operating",
                _("In business for at least %(n)s years") % {"n": intake.min_years_operating},
            )
        )
    if intake.min_employees:
        rules.append(("employees", _("At least %(n)s employees") % {"n": intake.min_employees}))
    if intake.min_annual_revenue is not None and intake.min_annual_revenue.amount > 0:
        rules.append(
            (
                "annual_revenue",
                _("Annual revenue of at least %(amount)s") % {"amount": intake.min_annual_revenue},
            )
        )
    if intake.proven_product_required:
        rules.append(
            ("proven_product", _("A proven product or service: paying customers and revenue"))
        )
    countries = list(intake.allowed_home_countries)
    if countries:
        names = ", ".join(str(country.name) for country in countries)
        rules.append(("home_country", _("Based in one of: %(countries)s") % {"countries": names}))
    sectors = list(intake.allowed_sectors.all())
    if sectors:
        names = ", ".join(str(sector) for sector in sectors)
        rules.append(("sector", _("Working in one of: %(sectors)s") % {"sectors": names}))
    return rules


def _at_least(value, minimum):
    if value is None:
        return None
    return value >= minimum


def evaluate(intake, facts: FirmFacts):
    """Each rule of the intake, met or not (or not known yet), in plain words."""
    results = []
    for key, requirement in rules_of(intake):
        if key == "years_operating":
            met = _at_least(facts.years_operating, intake.min_years_operating)
            said = facts.years_operating
            detail = _("You have been in business for %(n)s years.") % {"n": said}
        elif key == "employees":
            met = _at_least(facts.employees, intake.min_employees)
            said = facts.employees
            detail = _("You have %(n)s employees.") % {"n": said}
        elif key == "annual_revenue":
            said = facts.annual_revenue
            minimum = intake.min_annual_revenue
            if said is None:
                met = None
            elif said.currency != minimum.currency:
                # Revenue in another currency must be converted by the caller first.
                met = None
            else:
                met = Decimal(said.amount) >= Decimal(minimum.amount)
            detail = _("Your annual revenue is %(amount)s.") % {"amount": said}
        elif key == "proven_product":
            said = facts.has_proven_product
            met = said
            detail = (
                _("You have shown paying customers and revenue.")
                if said
                else _("You have not shown paying customers and revenue yet.")
            )
        elif key == "home_country":
            said = facts.home_country
            allowed = {country.code for country in intake.allowed_home_countries}
            met = None if not said else said in allowed
            detail = _("Your company is based in %(country)s.") % {
                "country": countries.name(said) or said
            }
        else:  # sector
            said = facts.sector
            allowed = {sector.code for sector in intake.allowed_sectors.all()}
            met = None if not said else said in allowed
            label = dict(SectorCode.choices).get(said, said)
            detail = _("Your sector is %(sector)s.") % {"sector": label}
        if said is None or said == "":
            detail = _("You have not told us yet.")
        results.append(RuleResult(key, requirement, met, detail))
    return results


def is_eligible(results):
    return all(result.met for result in results)
