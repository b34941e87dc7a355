"""Two managers approving two claims on one award at the same moment, each on a connection of
its own, on PostgreSQL (row locks are what is proven; SQLite locks the whole file)."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError

from placements import stipends
from placements.enums import ClaimStatus, ExpenseCategory
from placements.models import ExpenseClaim, StipendAward
from programs.enums import StaffRole
from tests import factories
from tests.placements.conftest import placed
from tests.placements.money import awarded, cad, claim_with
from tests.placements.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _overlap(monkeypatch):
    """Each approval, once it holds its claim, waits (a second at most) for the other to get
    there too: without the award's lock both would then count the same approved total. With
    it the second waits at the award's row, the barrier breaks and the first goes on alone."""
    barrier = threading.Barrier(2)
    lock_claim = stipends._lock_claim

    def lock_claim_together(claim):
        locked = lock_claim(claim)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return locked

    monkeypatch.setattr(stipends, "_lock_claim", lock_claim_together)


def test_two_approvals_at_once_cannot_exceed_the_award(postgres, intake, offer, manager, owner):
    award = awarded(placed(offer, manager), manager, amount=4000)
    first = claim_with(award, owner, (cad(3000), ExpenseCategory.TRAVEL, -5))
    second = claim_with(award, owner, (cad(2500), ExpenseCategory.ACCOMMODATION, -4))
    colleague = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    outcomes = at_once(
        lambda: stipends.approve_claim(first, by=manager),
        lambda: stipends.approve_claim(second, by=colleague),
    )
    (approved,) = [o for o in outcomes if isinstance(o, ExpenseClaim)]
    (refused,) = [o for o in outcomes if isinstance(o, ValidationError)]
    left = cad(4000) - approved.approved_total
    assert refused.messages == [
        f"Approving {cad(5500) - approved.approved_total} would take this award over its "
        f"CA$4,000.00: its tranches paid or approved CA$0.00 and its claims "
        f"{approved.approved_total}, so {left} is left. Nothing was changed."
    ]
    award = StipendAward.objects.get(pk=award.pk)
    assert award.approved_total == approved.approved_total
    assert sorted(ExpenseClaim.objects.values_list("status", flat=True)) == sorted(
        [ClaimStatus.APPROVED, ClaimStatus.SUBMITTED]
    )
