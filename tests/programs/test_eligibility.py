import pytest
from djmoney.money import Money

from programs.eligibility import FirmFacts, evaluate, is_eligible, rules_of
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake():
    intake = factories.IntakeFactory(
        min_years_operating=3,
        min_employees=5,
        min_annual_revenue=Money(500000, "CAD"),
        proven_product_required=True,
        allowed_home_countries=["CA"],
    )
    intake.allowed_sectors.set([factories.sector("engineering"), factories.sector("it")])
    return intake


def test_rules_read_in_plain_words(intake):
    assert [requirement for _, requirement in rules_of(intake)] == [
        "In business for at least 3 years",
        "At least 5 employees",
        "Annual revenue of at least CA$500,000.00",
        "A proven product or service: paying customers and revenue",
        "Based in one of: Canada",
        "Working in one of: Engineering, Information technology",
    ]


def test_a_firm_that_meets_every_rule_is_eligible(intake):
    facts = FirmFacts(
        years_operating=8,
        employees=40,
        annual_revenue=Money(2_000_000, "CAD"),
        has_proven_product=True,
        home_country="CA",
        sector="engineering",
    )
    results = evaluate(intake, facts)
    assert [result.met for result in results] == [True] * 6
    assert is_eligible(results)


def test_each_unmet_rule_is_named_with_what_the_firm_said(intake):
    facts = FirmFacts(
        years_operating=1,
        employees=5,
        annual_revenue=Money(100_000, "CAD"),
        has_proven_product=False,
        home_country="FR",
        sector="health",
    )
    results = {result.rule: result for result in evaluate(intake, facts)}
    assert {rule: result.met for rule, result in results.items()} == {
        "years_operating": False,
        "employees": True,
        "annual_revenue": False,
        "proven_product": False,
        "home_country": False,
        "sector": False,
    }
    assert results["home_country"].explanation == "Your company is based in France."
    assert results["sector"].explanation == "Your sector is Health."
    assert not is_eligible(results.values())


def test_what_the_firm_has_not_said_is_unknown_not_failed(intake):
    results = evaluate(intake, FirmFacts())
    assert {result.met for result in results} == {None}
    assert results[0].explanation == "You have not told us yet."
    assert not is_eligible(results)


def test_an_intake_without_rules_accepts_everyone():
    intake = factories.IntakeFactory(proven_product_required=False)
    assert evaluate(intake, FirmFacts()) == []
    assert is_eligible([])
