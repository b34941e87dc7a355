import datetime
from decimal import Decimal

import pytest
from djmoney.money import Money

from placements.demo_money import DEMO_SOURCE, seed_rates
from placements.models import ExchangeRate
from placements.rates import convert
from portal.demo import DemoRun

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)  # a Saturday


def test_the_demo_records_rates_for_every_claim_currency_on_every_demo_date(db):
    run = DemoRun()
    manager = run.make_user("manager", email="m@example.org", full_name="Claire Tremblay",
                            role="Program manager")  # fmt: skip
    seed_rates(run, today=TODAY)
    # 172 working days in the 240 days to 5 December 2026, four currencies each; AED on the
    # first working day of each of its 9 months.
    assert ExchangeRate.objects.filter(source=DEMO_SOURCE).count() == 172 * 4
    aed = ExchangeRate.objects.filter(base="AED").order_by("on")
    assert (aed.count(), aed[0].on, aed[0].rate, aed[0].entered_by) == (
        9,
        datetime.date(2026, 4, 9),
        Decimal("0.3779"),
        manager,
    )
    assert aed[0].source == "entered by Claire Tremblay (Central Bank of the UAE, illustrative)"
    saturday = {
        currency: convert(Money("100", currency), "CAD", TODAY)
        for currency in ["BRL", "EUR", "INR", "SAR", "AED"]
    }
    assert {c: (v.amount, v.rate_date) for c, v in saturday.items()} == {
        "BRL": (Money("25.92", "CAD"), datetime.date(2026, 12, 4)),
        "EUR": (Money("149.65", "CAD"), datetime.date(2026, 12, 4)),
        "INR": (Money("1.65", "CAD"), datetime.date(2026, 12, 4)),
        "SAR": (Money("37.04", "CAD"), datetime.date(2026, 12, 4)),
        "AED": (Money("37.84", "CAD"), datetime.date(2026, 12, 1)),
    }
    # Claim currencies cross through CAD: 100 EUR in INR on the same day.
    assert convert(Money("100", "EUR"), "INR", TODAY).via == "CAD"
