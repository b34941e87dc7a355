import datetime
from decimal import Decimal

import pytest
from djmoney.money import Money

from placements.models import ExchangeRate
from placements.rates import Conversion, NoRate, convert

pytestmark = pytest.mark.django_db

BOC = "Bank of Canada"
ECB = "European Central Bank"


def on(day, month=3):
    return datetime.date(2027, month, day)


def rate(base, quote, value, day, source=BOC):
    return ExchangeRate.objects.create(
        base=base, quote=quote, rate=Decimal(value), on=on(day), source=source
    )


def test_a_direct_rate_converts_and_rounds_to_the_cent():
    rate("EUR", "CAD", "1.4952", 1)
    assert convert(Money("123.45", "EUR"), "CAD", on(3)) == Conversion(
        amount=Money("184.58", "CAD"),
        rate=Decimal("1.4952000000"),
        rate_date=on(1),
        source=BOC,
    )


def test_the_same_row_converts_the_other_way_at_its_inverse():
    rate("EUR", "CAD", "1.4952", 1)
    assert convert(Money("100", "CAD"), "EUR", on(1)) == Conversion(
        amount=Money("66.88", "EUR"),
        rate=Decimal("0.6688068486"),
        rate_date=on(1),
        source=BOC,
    )


def test_the_rate_in_force_is_the_latest_on_or_before_the_day():
    rate("EUR", "CAD", "1.4952", 1)
    rate("EUR", "CAD", "1.5000", 5)
    rate("EUR", "CAD", "1.6000", 9)
    assert convert(Money("10", "EUR"), "CAD", on(4)).amount == Money("14.95", "CAD")
    assert convert(Money("10", "EUR"), "CAD", on(5)).amount == Money("15.00", "CAD")
    assert convert(Money("10", "EUR"), "CAD", on(8)).rate_date == on(5)


def test_two_legs_of_one_source_and_day_cross_through_its_currency():
    rate("INR", "CAD", "0.0165", 2)
    rate("EUR", "CAD", "1.4952", 2)
    assert convert(Money("10000", "INR"), "EUR", on(3)) == Conversion(
        amount=Money("110.35", "EUR"),
        rate=Decimal("0.0110353130"),
        rate_date=on(2),
        source=BOC,
        via="CAD",
    )


def test_the_central_bank_of_europe_crosses_through_the_euro():
    rate("EUR", "BRL", "6.2", 2, source=ECB)
    rate("EUR", "INR", "90.5", 2, source=ECB)
    assert convert(Money("250", "BRL"), "INR", on(2)) == Conversion(
        amount=Money("3649.19", "INR"),
        rate=Decimal("14.5967741935"),
        rate_date=on(2),
        source=ECB,
        via="EUR",
    )


def test_a_crossed_amount_is_rounded_once_at_the_end():
    # Rounding the CAD in between (0.066 -> 0.07) would give 0.05 EUR.
    rate("INR", "CAD", "0.0165", 2)
    rate("EUR", "CAD", "1.4952", 2)
    assert convert(Money("4", "INR"), "EUR", on(2)).amount == Money("0.04", "EUR")


def test_legs_of_different_days_or_sources_do_not_cross():
    rate("INR", "CAD", "0.0165", 2)
    rate("EUR", "CAD", "1.4952", 3)
    rate("EUR", "CAD", "1.4900", 2, source=ECB)
    with pytest.raises(NoRate) as error:
        convert(Money("4", "INR"), "EUR", on(3))
    assert error.value.messages == ["No exchange rate for INR to EUR on or before 3 March 2027"]


def test_a_newer_crossed_rate_wins_over_an_older_direct_one():
    rate("INR", "EUR", "0.0100", 1, source="entered by Maya Manager")
    rate("INR", "CAD", "0.0165", 2)
    rate("EUR", "CAD", "1.4952", 2)
    assert convert(Money("10000", "INR"), "EUR", on(2)).amount == Money("110.35", "EUR")
    assert convert(Money("10000", "INR"), "EUR", on(1)).amount == Money("100.00", "EUR")


def test_on_the_same_day_a_direct_rate_wins_over_a_crossed_one():
    rate("INR", "CAD", "0.0165", 2)
    rate("EUR", "CAD", "1.4952", 2)
    rate("INR", "EUR", "0.0100", 2, source="entered by Maya Manager")
    assert convert(Money("10000", "INR"), "EUR", on(2)) == Conversion(
        amount=Money("100.00", "EUR"),
        rate=Decimal("0.0100000000"),
        rate_date=on(2),
        source="entered by Maya Manager",
    )


def test_a_currency_without_minor_units_rounds_to_whole_units():
    rate("JPY", "CAD", "0.0089", 1)
    assert convert(Money("1000", "CAD"), "JPY", on(1)).amount == Money("112360", "JPY")


def test_the_same_currency_converts_at_one():
    assert convert(Money("12.345", "CAD"), "CAD", on(1)) == Conversion(
        amount=Money("12.35", "CAD"), rate=Decimal(1), rate_date=on(1), source=""
    )


def test_no_rate_names_the_currency_and_the_day():
    rate("EUR", "CAD", "1.4952", 1)
    rate("INR", "CAD", "0.0165", 4)  # too late for the 3rd
    with pytest.raises(NoRate) as error:
        convert(Money("10", "INR"), "CAD", on(3))
    assert error.value.messages == ["No exchange rate for INR on or before 3 March 2027"]


def test_no_rate_names_the_target_currency_when_it_is_the_one_missing():
    rate("EUR", "CAD", "1.4952", 1)
    with pytest.raises(NoRate) as error:
        convert(Money("10", "CAD"), "AED", on(3))
    assert error.value.messages == ["No exchange rate for AED on or before 3 March 2027"]
