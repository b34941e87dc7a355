"""Money changed by two people (or a person and the daily job) at the same moment, each on a
connection of its own, on PostgreSQL: the interleavings forced here deadlocked, left a tranche
waiting for ever or sent an invoice back to draft before their locks were fixed."""

import pytest
from django.core.exceptions import ValidationError
from djmoney.money import Money

from placements import desk_invoices, stipends
from placements import services as pservices
from placements.enums import (
    AwardStatus,
    ClaimStatus,
    DeskInvoiceStatus,
    ExpenseCategory,
    PlacementStatus,
    TrancheCondition,
    TrancheStatus,
)
from placements.models import DeskInvoice, Placement, StipendAward, Tranche
from programs.enums import DeskInvoicing, StaffRole
from tests import factories
from tests.applications.services.test_counting_concurrency import pause_t1, refused, t2_after
from tests.placements.conftest import accepted_offer, day, placed
from tests.placements.money import awarded, cad, claim_with
from tests.placements.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_approve_and_reject_one_claim_at_once_do_not_deadlock(
    postgres, intake, offer, manager, owner
):
    award = awarded(placed(offer, manager), manager, amount=4000)
    claim = claim_with(award, owner, (cad(300), ExpenseCategory.TRAVEL, -5))
    colleague = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    # T1 (reject) holds the claim a moment; T2 (approve) locks the award, then waits for the claim.
    reached, pause = pause_t1(stipends, "_lock_claim")
    with pause, t2_after(reached, stipends, "approve_claim"):
        outcomes = at_once(
            lambda: stipends.reject_claim(claim, by=colleague, reason="No"),
            lambda: stipends.approve_claim(claim, by=manager),
        )
    rejected, refusal = outcomes
    assert rejected.status == ClaimStatus.REJECTED
    assert isinstance(refusal, ValidationError)  # the approval waited, then found it rejected


def test_cancel_award_and_pay_tranche_at_once_do_not_deadlock(
    postgres, intake, offer, manager, partner
):
    placement = placed(offer, manager)
    award = awarded(placement, manager, amount=4000)
    pservices.log_arrival(placement, by=partner, on=day(-10))
    tranche = Tranche.objects.get(award=award, condition=TrancheCondition.ARRIVAL)
    stipends.approve_tranche(tranche, by=manager)
    reached, pause = pause_t1(stipends, "_lock_tranche")
    with pause, t2_after(reached, stipends, "cancel_award"):
        outcomes = at_once(
            lambda: stipends.pay_tranche(tranche, by=manager, paid_on=day(0), reference="X1"),
            lambda: stipends.cancel_award(award, by=manager, reason="Withdrawn"),
        )
    paid, refusal = outcomes
    assert paid.status == TrancheStatus.PAID
    # The cancellation waited for the tranches, then counted the payment.
    assert isinstance(refusal, ValidationError) and "already paid" in refusal.messages[0]
    assert StipendAward.objects.get(pk=award.pk).status == AwardStatus.AWARDED


def test_award_made_while_the_arrival_is_logged_lets_the_advance_fall_due(
    postgres, intake, offer, manager, partner
):
    placement = placed(offer, manager)
    award = stipends.propose_award(placement, by=manager, amount=cad(4000))
    reached, pause = pause_t1(stipends, "_lock_award")
    with pause, t2_after(reached, pservices, "log_arrival"):
        outcomes = at_once(
            lambda: stipends.award_stipend(award, by=manager),
            lambda: pservices.log_arrival(placement, by=partner, on=day(-10)),
        )
    assert refused(outcomes) == []
    assert Placement.objects.get(pk=placement.pk).arrived_on == day(-10)
    advance = Tranche.objects.get(award=award, condition=TrancheCondition.ARRIVAL)
    assert advance.status == TrancheStatus.DUE


def _finished_stay(intake, host, partner):
    placement = placed(accepted_offer(intake, host), partner, start=-30, end=-2)
    Placement.objects.filter(pk=placement.pk).update(
        arrived_on=day(-30), departed_on=day(-5), status=PlacementStatus.COMPLETED
    )
    return Placement.objects.get(pk=placement.pk)


@pytest.fixture
def per_placement(intake, host):
    type(intake).objects.filter(pk=intake.pk).update(desk_invoicing=DeskInvoicing.PER_PLACEMENT)
    host.desk_cost_per_day = Money("45.50", "EUR")
    host.save()
    intake.refresh_from_db()
    return intake


def test_generation_while_a_draft_is_sent_keeps_it_sent(
    postgres, per_placement, host, partner, manager, monkeypatch
):
    intake = per_placement
    monkeypatch.setattr(pservices, "full_days", lambda *a, **k: [])  # dates in the past
    monkeypatch.setattr(pservices, "date_problems", lambda *a, **k: [])
    _finished_stay(intake, host, partner)
    desk_invoices.generate_desk_invoices(intake)
    (invoice,) = DeskInvoice.objects.filter(intake=intake)
    reached, pause = pause_t1(desk_invoices, "_drawn")
    with pause, t2_after(reached, desk_invoices, "send_desk_invoice"):
        outcomes = at_once(
            lambda: desk_invoices.generate_desk_invoices(intake),
            lambda: desk_invoices.send_desk_invoice(invoice, by=manager),
        )
    assert refused(outcomes) == []
    invoice.refresh_from_db()
    assert invoice.status == DeskInvoiceStatus.SENT


def test_award_proposed_while_desk_invoices_are_drawn_does_not_deadlock(
    postgres, per_placement, host, partner, manager, monkeypatch
):
    intake = per_placement
    monkeypatch.setattr(pservices, "full_days", lambda *a, **k: [])
    monkeypatch.setattr(pservices, "date_problems", lambda *a, **k: [])
    placement = _finished_stay(intake, host, partner)
    reached, pause = pause_t1(desk_invoices, "_drawn")
    with pause, t2_after(reached, stipends, "propose_award"):
        outcomes = at_once(
            lambda: desk_invoices.generate_desk_invoices(intake),
            lambda: stipends.propose_award(placement, by=manager, amount=cad(1000)),
        )
    assert refused(outcomes) == []
    assert StipendAward.objects.get(placement=placement).amount == cad(1000)


def test_an_arrival_a_cancellation_and_a_payment_at_once_do_not_deadlock(
    postgres, intake, offer, manager, partner
):
    """A schedule whose arrival tranche comes before one due at the award. T1 pays the
    award's tranche and stops before the kept figures; T2 cancels the award (it holds the
    arrival tranche and waits for the paid one); T3 logs the arrival. T3 refreshed the
    figures before it took the arrival tranche, and T1 waited for those figures: a cycle of
    three, one of them a server error. The arrival now takes its tranches before the
    figures, as a payment does."""
    stipends.set_stipend_schedule(
        intake,
        by=manager,
        terms=[
            ("On arrival", 50, TrancheCondition.ARRIVAL),
            ("At once", 50, TrancheCondition.AWARDED),
        ],
    )
    placement = placed(offer, manager)
    award = awarded(placement, manager, amount=4000)
    due = Tranche.objects.get(award=award, condition=TrancheCondition.AWARDED)
    stipends.approve_tranche(due, by=manager)
    from placements import watchers

    paying, pause = pause_t1(watchers, "intakes_changed", before=True, seconds=2)

    def cancel():
        paying.wait(10)
        return stipends.cancel_award(award, by=manager, reason="Withdrawn")

    def arrive():
        paying.wait(10)
        import time

        time.sleep(0.5)  # the cancellation holds the arrival tranche by now
        return pservices.log_arrival(placement, by=partner, on=day(-1))

    with pause:
        outcomes = at_once(
            lambda: stipends.pay_tranche(due, by=manager, paid_on=day(0), reference="X1"),
            cancel,
            arrive,
        )

    paid, cancelled, arrived = outcomes
    assert not isinstance(paid, str), paid  # no deadlock, no server error
    assert isinstance(cancelled, ValidationError)  # money was paid meanwhile: reduce instead
    assert not isinstance(arrived, str), arrived
    assert Tranche.objects.get(pk=due.pk).status == TrancheStatus.PAID
    arrival = Tranche.objects.get(award=award, condition=TrancheCondition.ARRIVAL)
    assert arrival.status == TrancheStatus.DUE
    assert StipendAward.objects.get(pk=award.pk).status == AwardStatus.AWARDED
