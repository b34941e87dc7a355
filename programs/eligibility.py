"""An intake's eligibility rules, evaluated against what a firm says about itself.

The same evaluation serves the applicant's self-check and the program's screening.
Programs come before applications (imports flow one way), so the firm arrives
here as plain facts, not as a Company.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
    """One rule against what the firm said. The words are drawn from plain data (``minimum``
    and ``given``) when they are read, so a screening stored today reads in the language of
    whoever opens it later; they speak of "the company", so they read right for its members
    and for the program's staff alike."""

    rule: str
    met: bool | None  # None: the firm has not said yet
    minimum: object = None  # the rule's threshold, as JSON data
    given: object = None  # what the firm said, as JSON data; None: not said yet
    written: tuple | None = None  # (requirement, explanation) of a result stored as words

    @property
    def requirement(self):
        return self.written[0] if self.written else requirement_of(self.rule, self.minimum)

    @property
    def explanation(self):
        return self.written[1] if self.written else explanation_of(self.rule, self.given)

    def as_data(self):
        """The result as JSON data, the words included as they read now."""
        return {
            "rule": self.rule,
            "met": self.met,
            "minimum": self.minimum,
            "given": self.given,
            "requirement": str(self.requirement),
            "explanation": str(self.explanation),
        }

    @classmethod
    def from_data(cls, data):
        if "minimum" not in data:  # stored before the words were drawn when read
            written = (data.get("requirement", ""), data.get("explanation", ""))
            return cls(data["rule"], data["met"], written=written)
        return cls(data["rule"], data["met"], data["minimum"], data["given"])


def _money(data):
    return Money(data["amount"], data["currency"])


def _money_data(money):
    return {"amount": str(money.amount), "currency": str(money.currency)}


def _number(n):
    return formats.number_format(n, force_grouping=True)


def _country(code):
    return str(countries.name(code) or code)


def _sector(code):
    return str(dict(SectorCode.choices).get(code, code))


def requirement_of(rule, minimum):
    """A rule in plain words, in the active language."""
    if rule == "years_operating":
        return ngettext(
            "In business for at least %(n)s year", "In business for at least %(n)s years", minimum
        ) % {"n": _number(minimum)}
    if rule == "employees":
        return ngettext("At least %(n)s employee", "At least %(n)s employees", minimum) % {
            "n": _number(minimum)
        }
    if rule == "annual_revenue":
        return _("Annual revenue of at least %(amount)s") % {"amount": _money(minimum)}
    if rule == "proven_product":
        return _("A proven product or service: paying customers and revenue")
    if rule == "home_country":
        names = ", ".join(_country(code) for code in minimum)
        return _("Based in one of: %(countries)s") % {"countries": names}
    names = ", ".join(_sector(code) for code in minimum)
    return _("Working in one of: %(sectors)s") % {"sectors": names}


def explanation_of(rule, given):
    """What the firm said about a rule, in the third person and the active language."""
    if given is None or given == "":
        return _("The company has not said yet.")
    if rule == "years_operating":
        return ngettext(
            "The company has been in business for %(n)s year.",
            "The company has been in business for %(n)s years.",
            given,
        ) % {"n": _number(given)}
    if rule == "employees":
        return ngettext(
            "The company has %(n)s employee.", "The company has %(n)s employees.", given
        ) % {"n": _number(given)}
    if rule == "annual_revenue":
        return _("The company's annual revenue is %(amount)s.") % {"amount": _money(given)}
    if rule == "proven_product":
        if given:
            return _("The company has shown paying customers and revenue.")
        return _("The company has not shown paying customers and revenue yet.")
    if rule == "home_country":
        return _("The company is based in %(country)s.") % {"country": _country(given)}
    return _("The company works in %(sector)s.") % {"sector": _sector(given)}


def _minimums(intake):
    """The rules an intake sets, as (key, threshold as JSON data)."""
    rules = []
    if intake.min_years_operating:
        rules.append(("years_operating", intake.min_years_operating))
    if intake.min_employees:
        rules.append(("employees", intake.min_employees))
    if intake.min_annual_revenue is not None and intake.min_annual_revenue.amount > 0:
        rules.append(("annual_revenue", _money_data(intake.min_annual_revenue)))
    if intake.proven_product_required:
        rules.append(("proven_product", True))
    codes = [country.code for country in intake.allowed_home_countries]
    if codes:
        rules.append(("home_country", codes))
    sectors = [sector.code for sector in intake.allowed_sectors.all()]
    if sectors:
        rules.append(("sector", sectors))
    return rules


def rules_of(intake):
    """The rules an intake sets, as (key, requirement in plain words)."""
    return [(key, requirement_of(key, minimum)) for key, minimum in _minimums(intake)]


def _at_least(value, minimum):
    if value is None:
        return None
    return value >= minimum


def evaluate(intake, facts: FirmFacts):
    """Each rule of the intake, met or not (or not known yet), with what the firm said."""
    results = []
    for key, minimum in _minimums(intake):
        if key == "years_operating":
            given = facts.years_operating
            met = _at_least(given, minimum)
        elif key == "employees":
            given = facts.employees
            met = _at_least(given, minimum)
        elif key == "annual_revenue":
            said = facts.annual_revenue
            given = None if said is None else _money_data(said)
            if said is None or str(said.currency) != minimum["currency"]:
                # Revenue in another currency must be converted by the caller first.
                met = None
            else:
                met = Decimal(said.amount) >= Decimal(minimum["amount"])
        elif key == "proven_product":
            given = facts.has_proven_product
            met = given
        elif key == "home_country":
            given = facts.home_country or None
            met = None if given is None else given in minimum
        else:  # sector
            given = facts.sector or None
            met = None if given is None else given in minimum
        results.append(RuleResult(key, met, minimum, given))
    return results


def is_eligible(results):
    return all(result.met for result in results)
