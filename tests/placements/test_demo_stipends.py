from collections import Counter

import pytest

from placements import stipends
from placements.demo_stipends import seed_money
from placements.models import ClaimLine, ExpenseClaim
from portal.demo import DemoRun
from tests.placements.conftest import placed
from tests.placements.money import arrived

pytestmark = pytest.mark.django_db


def test_the_demo_money_has_claims_in_every_state_within_the_award(offer, manager, partner, owner):
    placement = placed(offer, manager)
    arrived(placement, partner)
    run = DemoRun(users={"manager": manager})
    (award,) = seed_money(run, [placement])
    award.refresh_from_db()
    assert Counter(ExpenseClaim.objects.values_list("status", flat=True)) == Counter(
        ["draft", "submitted", "changes-requested", "approved", "paid", "rejected"]
    )
    assert sorted(set(ClaimLine.objects.values_list("amount_currency", flat=True))) == [
        "AED", "BRL", "EUR", "INR", "SAR",
    ]  # fmt: skip
    # 2,600 AED at 0.3720 and 300 EUR at 1.4950.
    assert str(award.approved_total) == "CA$1,415.70"
    assert list(award.tranches.values_list("status", "reference")) == [
        ("paid", "DEMO-WIRE-0002"),
        ("waiting", ""),
    ]
    # The claims approved came out of the balance: 1,500 + 1,415.70 + 84.30 is the award.
    assert str(award.amount) == "CA$3,000.00"
    assert str(award.tranches.get(position=2).amount) == "CA$84.30"
    assert str(stipends.left_to_claim(award)) == "CA$84.30"
