import json

import pytest
from django.utils import translation
from djmoney.money import Money

from programs.eligibility import FirmFacts, RuleResult, evaluate, is_eligible, rules_of
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
    # In the third person: the same words serve the company's members and the program's staff.
    assert [result.explanation for result in results.values()] == [
        "The company has been in business for 1 year.",
        "The company has 5 employees.",
        "The company's annual revenue is CA$100,000.00.",
        "The company has not shown paying customers and revenue yet.",
        "The company is based in France.",
        "The company works in Health.",
    ]
    assert not is_eligible(results.values())


def test_what_the_firm_has_not_said_is_unknown_not_failed(intake):
    results = evaluate(intake, FirmFacts())
    assert {result.met for result in results} == {None}
    assert results[0].explanation == "The company has not said yet."
    assert not is_eligible(results)


def test_an_intake_without_rules_accepts_everyone():
    intake = factories.IntakeFactory(proven_product_required=False)
    assert evaluate(intake, FirmFacts()) == []
    assert is_eligible([])


def test_a_result_kept_as_data_reads_in_the_language_of_its_reader(intake):
    # A screening stores its results as data; the words are drawn when someone reads them.
    facts = FirmFacts(years_operating=1, employees=1200, home_country="FR", sector="health")
    stored = [result.as_data() for result in evaluate(intake, facts)]
    with translation.override("fr"):
        read = [RuleResult.from_data(data) for data in json.loads(json.dumps(stored))]
        assert [(result.requirement, result.explanation) for result in read] == [
            ("En activité depuis au moins 3 ans", "L’entreprise est en activité depuis 1 an."),
            ("Au moins 5 employés", "L’entreprise compte 1\u00a0200 employés."),
            (
                "Chiffre d’affaires annuel d’au moins 500\u202f000,00\u00a0$CA",
                "L’entreprise ne l’a pas encore indiqué.",
            ),
            (
                "Un produit ou un service éprouvé\u00a0: des clients payants et des revenus",
                "L’entreprise ne l’a pas encore indiqué.",
            ),
            (
                "Établie dans l’un des pays suivants\u00a0: Canada",
                "Pays où l’entreprise est établie\u00a0: France.",
            ),
            (
                "Active dans l’un des secteurs suivants\u00a0: Ingénierie, "
                "Technologies de l’information",
                "Secteur d’activité de l’entreprise\u00a0: Santé.",
            ),
        ]


def test_a_result_stored_as_words_before_keeps_its_words():
    data = {"rule": "employees", "requirement": "At least 5 employees", "met": False,
            "explanation": "You have 2 employees."}  # fmt: skip
    result = RuleResult.from_data(data)
    assert (result.rule, result.met) == ("employees", False)
    assert (result.requirement, result.explanation) == (
        "At least 5 employees",
        "You have 2 employees.",
    )
