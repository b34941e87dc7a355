"""The money defects found by the probes of issue 17: awards left open or in the wrong
state, approved payments changed under finance, claims that cannot end, and what the
firm's pages and the ledger's CSV say."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from djmoney.money import Money

from placements import ledger, money_history, services, stipends
from placements.enums import (
    AwardStatus,
    CancelReason,
    ClaimStatus,
    ExpenseCategory,
    TrancheCondition,
    TrancheStatus,
)
from placements.models import ExchangeRate, ExpenseClaim, MoneyEvent, StipendAward, Tranche
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed, running_intake
from tests.placements.money import arrived, awarded, cad, claim_with, receipt

pytestmark = pytest.mark.django_db
TRAVEL = ExpenseCategory.TRAVEL


@pytest.fixture
def placement(offer, manager):
    return placed(offer, manager)


@pytest.fixture
def future_stay(offer, manager):
    return placed(offer, manager, start=5, end=40)  # starts in five days


def statuses(award):
    return [
        (tranche.position, tranche.amount, tranche.status)
        for tranche in Tranche.objects.filter(award=award).order_by("position")
    ]


def flight_claim(award, owner):
    """A flight booked before the stay, claimed and submitted."""
    claim = stipends.start_claim(award, by=owner)
    stipends.add_claim_line(
        claim, by=owner, on=day(0), category=TRAVEL, description="Flight", amount=cad(900),
        receipt=receipt(), outside_reason="Booked before the stay",
    )  # fmt: skip
    return stipends.submit_claim(claim, by=owner)


def pay(tranche, manager):
    stipends.approve_tranche(tranche, by=manager)
    return stipends.pay_tranche(tranche, by=manager, paid_on=day(0), reference=f"T{tranche.pk}")


# --- 1. The proposed award in the cap's currency ---------------------------------------------


@pytest.fixture
def euro_placement(db):
    intake = running_intake(stipend_cap=Money(4000, "EUR"), stipend_budget=Money(40000, "EUR"))
    host = factories.DeskOfferFactory(intake=intake, desks=2).host
    manager = factories.ProgramStaffFactory(program=intake.program, role="manager").user
    offer = accepted_offer(intake, host)  # the selection's stipend: 3,000 (CAD)
    application = offer.application
    application.budget_total = Money(3000, "CAD")
    application.save()
    return placed(offer, manager)


def test_the_proposed_award_converts_a_cad_budget_into_the_caps_currency(euro_placement):
    ExchangeRate.objects.create(
        base="EUR", quote="CAD", rate=Decimal("1.5"), on=day(-90), source="Bank of Canada"
    )
    assert stipends.proposed_amount(euro_placement) == Money("2000.00", "EUR")


def test_with_no_rate_for_today_the_proposed_award_is_the_cap(euro_placement):
    assert stipends.proposed_amount(euro_placement) == Money("4000.00", "EUR")


# --- 2 and 3. A cancelled stay ----------------------------------------------------------------


def test_cancelling_the_stay_cancels_a_reduced_award_and_its_unpaid_tranches(
    future_stay, manager, intake
):
    stipends.set_stipend_schedule(
        intake,
        by=manager,
        terms=[
            ("On signing", Decimal(20), TrancheCondition.AWARDED),
            ("On arrival", Decimal(80), TrancheCondition.ARRIVAL),
        ],
    )
    award = awarded(future_stay, manager, amount=4000)
    stipends.reduce_award(award, by=manager, amount=cad(3000), reason="Firm asked for less")
    services.cancel_placement(future_stay, by=manager, reason=CancelReason.VISA_REFUSED)

    award.refresh_from_db()
    assert award.status == AwardStatus.CANCELLED
    assert statuses(award) == [
        (1, cad(800), TrancheStatus.CANCELLED),
        (2, cad(2200), TrancheStatus.CANCELLED),
    ]
    assert stipends.pool_figures(intake)[1] == cad(0)


def test_a_cancelled_stay_keeps_the_claim_approved_and_the_award_closes_once_it_is_paid(
    future_stay, manager, owner
):
    award = awarded(future_stay, manager, amount=4000)
    claim = flight_claim(award, owner)
    stipends.approve_claim(claim, by=manager)
    taxi = stipends.start_claim(award, by=owner)  # a draft left open

    services.cancel_placement(future_stay, by=manager, reason=CancelReason.VISA_REFUSED)

    award.refresh_from_db()
    assert (award.status, award.amount) == (AwardStatus.REDUCED, cad(900))
    # The flight's 900 came out of the balance when it was approved (the award pays 4,000
    # in all), then the stay's cancellation cancelled both tranches.
    assert statuses(award) == [
        (1, cad(2000), TrancheStatus.CANCELLED),
        (2, cad(1100), TrancheStatus.CANCELLED),
    ]
    assert ExpenseClaim.objects.get(pk=taxi.pk).status == ClaimStatus.REJECTED
    event = award.events.get(to_status=AwardStatus.REDUCED)
    assert (money_history.note_text(event), money_history.changes(event)) == (
        "The stay was cancelled (Visa refused): the award keeps what was paid or approved.",
        [("amount", "CA$4,000.00", "CA$900.00")],
    )
    stipends.pay_claim(claim, by=manager, paid_on=day(0), reference="WIRE-1")
    stipends.close_award(award, by=manager)
    assert StipendAward.objects.get(pk=award.pk).status == AwardStatus.CLOSED


def test_a_cancelled_stays_award_takes_no_new_claim_while_a_kept_payment_waits(
    client, future_stay, manager, owner
):
    """Reduced to the approved flight and still waiting for its payment, the award of a stay
    that never happened took a new claim, which was approved and paid: money out on a
    cancelled stay. It is closed to claims, on its page and in the services."""
    award = awarded(future_stay, manager, amount=4000)
    stipends.approve_claim(flight_claim(award, owner), by=manager)
    draft = stipends.start_claim(award, by=owner)
    services.cancel_placement(future_stay, by=manager, reason=CancelReason.VISA_REFUSED)
    award = StipendAward.objects.get(pk=award.pk)
    assert award.status == AwardStatus.REDUCED  # the flight's payment still to record

    with pytest.raises(ValidationError):
        stipends.start_claim(award, by=owner)
    ExpenseClaim.objects.filter(pk=draft.pk).update(status=ClaimStatus.DRAFT)
    with pytest.raises(ValidationError):
        stipends.submit_claim(draft, by=owner)
    client.force_login(owner)
    page = client.get(reverse("money:award", args=[award.pk]))
    assert "Start an expense claim" not in page.content.decode()
    assert page.context["claimable"] is False
    assert client.post(reverse("money:claim_new", args=[award.pk])).status_code == 403


def test_reducing_then_cancelling_the_stay_leaves_no_tranche_waiting(future_stay, manager, owner):
    """What "reduce it instead" told the manager: the tranche left at 900 waited for ever."""
    award = awarded(future_stay, manager, amount=4000)
    claim = flight_claim(award, owner)
    stipends.approve_claim(claim, by=manager)
    stipends.reduce_award(award, by=manager, amount=cad(900), reason="Visa refused")
    services.cancel_placement(future_stay, by=manager, reason=CancelReason.VISA_REFUSED)
    stipends.pay_claim(claim, by=manager, paid_on=day(0), reference="WIRE-1")

    # The award of 900 is the flight's: no tranche pays beyond it (the advance kept 900 when
    # claims and tranches were each capped on their own, 1,800 on an award of 900).
    assert statuses(award) == [
        (1, cad(0), TrancheStatus.CANCELLED),
        (2, cad(0), TrancheStatus.CANCELLED),
    ]
    stipends.close_award(StipendAward.objects.get(pk=award.pk), by=manager)
    assert StipendAward.objects.get(pk=award.pk).status == AwardStatus.CLOSED


def test_a_cancelled_stay_with_only_a_paid_advance_closes_its_award_at_once(
    future_stay, manager, intake
):
    stipends.set_stipend_schedule(
        intake,
        by=manager,
        terms=[
            ("On signing", Decimal(25), TrancheCondition.AWARDED),
            ("On arrival", Decimal(75), TrancheCondition.ARRIVAL),
        ],
    )
    award = awarded(future_stay, manager, amount=4000)
    pay(award.tranches.get(position=1), manager)

    services.cancel_placement(future_stay, by=manager, reason=CancelReason.NO_SHOW)

    award.refresh_from_db()
    assert (award.status, award.amount) == (AwardStatus.CLOSED, cad(1000))
    assert statuses(award) == [
        (1, cad(1000), TrancheStatus.PAID),
        (2, cad(3000), TrancheStatus.CANCELLED),
    ]
    assert list(award.events.order_by("pk").values_list("to_status", flat=True))[-3:] == [
        AwardStatus.REDUCED,
        TrancheStatus.CANCELLED,
        AwardStatus.CLOSED,
    ]


# --- 4. A reduction and the payments approved ------------------------------------------------


def test_a_reduction_that_would_cut_an_approved_payment_is_refused(placement, manager, partner):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)

    with pytest.raises(ValidationError) as error:
        stipends.reduce_award(award, by=manager, amount=cad(1500), reason="Cut short")

    assert error.value.messages == [
        "CA$2,000.00 of this award's tranches is approved for payment: the award cannot go "
        "below CA$2,000.00 until that payment is recorded or marked failed. Nothing was changed."
    ]
    assert statuses(award) == [
        (1, cad(2000), TrancheStatus.APPROVED),
        (2, cad(2000), TrancheStatus.WAITING),
    ]
    assert StipendAward.objects.get(pk=award.pk).amount == cad(4000)


def test_a_reduction_cuts_only_the_tranches_not_yet_approved(placement, manager, partner):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    stipends.approve_tranche(award.tranches.get(position=1), by=manager)

    stipends.reduce_award(award, by=manager, amount=cad(2000), reason="Cut short")

    assert statuses(award) == [
        (1, cad(2000), TrancheStatus.APPROVED),
        (2, cad(0), TrancheStatus.CANCELLED),
    ]


def test_an_award_with_an_approved_payment_is_not_cancelled(placement, manager, partner):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    stipends.approve_tranche(award.tranches.get(position=1), by=manager)
    with pytest.raises(ValidationError) as error:
        stipends.cancel_award(award, by=manager, reason="Withdrawn")
    assert error.value.messages == [
        "Money was already paid or approved on this award; reduce it instead."
    ]
    assert statuses(award)[0] == (1, cad(2000), TrancheStatus.APPROVED)


# --- 5. Starting a claim, and a claim the firm leaves ----------------------------------------


def test_a_double_click_on_start_an_expense_claim_starts_one_claim(
    placement, manager, owner, client
):
    award = awarded(placement, manager, amount=4000)
    client.force_login(owner)
    page = client.get(reverse("money:award", args=[award.pk])).content.decode()
    form = page[page.index(f'action="{reverse("money:claim_new", args=[award.pk])}"') :]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form[: form.index("</form>")]))
    assert len(fields["once"]) == 32
    answers = [
        client.post(reverse("money:claim_new", args=[award.pk]), fields) for _click in range(2)
    ]
    claim = ExpenseClaim.objects.get(award=award)
    assert [answer.url for answer in answers] == [reverse("money:claim", args=[claim.pk])] * 2


def test_a_manager_rejects_an_empty_draft_and_the_award_closes(
    placement, manager, owner, partner, client
):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    claim = stipends.start_claim(award, by=owner)
    for tranche in Tranche.objects.filter(award=award).order_by("position"):
        if tranche.status == TrancheStatus.WAITING:
            stipends.satisfy_condition(placement, tranche.condition)
        pay(tranche, manager)
    client.force_login(manager)
    page = client.get(reverse("money:claim", args=[claim.pk])).content.decode()
    assert reverse("money:claim_action", args=[claim.pk, "reject"]) in page

    client.post(reverse("money:claim_action", args=[claim.pk, "reject"]), {"note": "Abandoned"})
    client.post(reverse("money:award_action", args=[award.pk, "close"]))

    claim.refresh_from_db()
    assert (claim.status, claim.reason) == (ClaimStatus.REJECTED, "Abandoned")
    assert StipendAward.objects.get(pk=award.pk).status == AwardStatus.CLOSED


def test_a_claim_sent_back_and_left_is_rejected(placement, manager, owner, partner):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    claim = claim_with(award, owner, (cad(120), TRAVEL, -5))
    stipends.request_changes(claim, by=manager, reason="Receipt unreadable")
    stipends.reject_claim(claim, by=manager, reason="Never sent again")
    assert ExpenseClaim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED


# --- 6. A mistyped award ----------------------------------------------------------------------


def test_a_mistyped_award_is_cancelled_and_proposed_again(placement, manager, client):
    award = stipends.propose_award(placement, by=manager, amount=cad(4000))
    stipends.award_stipend(award, by=manager, amount=cad(400))
    stipends.cancel_award(award, by=manager, reason="Typo: should be 4,000")
    client.force_login(manager)
    page = client.get(reverse("money:award", args=[award.pk])).content.decode()
    assert reverse("money:propose", args=[placement.pk]) in page

    again = stipends.propose_award(placement, by=manager, amount=cad(4000))
    stipends.award_stipend(again, by=manager)

    again.refresh_from_db()
    assert (again.pk, again.status, again.amount, again.reason) == (
        award.pk,
        AwardStatus.AWARDED,
        cad(4000),
        "",
    )
    # The new tranches come after the cancelled ones: no payment reference is given twice.
    assert statuses(again) == [
        (1, cad(200), TrancheStatus.CANCELLED),
        (2, cad(200), TrancheStatus.CANCELLED),
        (3, cad(2000), TrancheStatus.WAITING),
        (4, cad(2000), TrancheStatus.WAITING),
    ]
    event = again.events.get(from_status=AwardStatus.CANCELLED)
    assert (event.to_status, money_history.note_text(event), money_history.changes(event)) == (
        AwardStatus.PROPOSED,
        "Proposed again.",
        [("amount", "CA$400.00", "CA$4,000.00")],
    )


def test_an_award_not_cancelled_is_not_proposed_twice(placement, manager):
    awarded(placement, manager, amount=4000)
    with pytest.raises(ValidationError) as error:
        stipends.propose_award(placement, by=manager, amount=cad(4000))
    assert error.value.messages == ["This placement already has an award."]


# --- 7. A failed payment the program will not make again -------------------------------------


def test_a_failed_payment_is_cancelled_from_its_page_with_a_reason(
    placement, manager, partner, client
):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    stipends.fail_tranche(advance, by=manager, reason="Account closed")
    client.force_login(manager)
    cancel = reverse("money:tranche_action", args=[advance.pk, "cancel"])
    assert cancel in client.get(reverse("money:tranche", args=[advance.pk])).content.decode()

    client.post(cancel, {"reason": ""})
    assert Tranche.objects.get(pk=advance.pk).status == TrancheStatus.FAILED
    client.post(cancel, {"reason": "Firm gave up"})

    advance.refresh_from_db()
    assert (advance.status, advance.reason) == (TrancheStatus.CANCELLED, "Firm gave up")


def test_only_a_failed_payment_is_cancelled_by_hand(placement, manager, partner):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    advance = award.tranches.get(position=1)
    with pytest.raises(ValidationError) as error:
        stipends.cancel_tranche(advance, by=manager, reason="No")
    assert error.value.messages == [
        "Only a failed payment is cancelled here; reduce or cancel the award instead."
    ]
    assert Tranche.objects.get(pk=advance.pk).status == TrancheStatus.DUE


# --- 8. A claim approved at zero ---------------------------------------------------------------


def test_a_claim_approved_at_zero_is_rejected_with_its_notes_and_not_paid(
    placement, manager, owner, partner
):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    claim = claim_with(award, owner, (cad(120), TRAVEL, -5))
    line = claim.lines.get()

    stipends.approve_claim(
        claim, by=manager, approved={line.pk: cad(0)}, notes={line.pk: "No receipt"}
    )

    claim.refresh_from_db()
    line.refresh_from_db()
    # The reason is the portal's own: kept as a code, said in each reader's language.
    assert (claim.status, claim.reason, claim.approved_total) == (
        ClaimStatus.REJECTED,
        "",
        cad(0),
    )
    event = claim.events.get(to_status=ClaimStatus.REJECTED)
    assert money_history.note_text(event) == "No expense on this claim was approved."
    assert (line.approved, line.note) == (cad(0), "No receipt")
    assert StipendAward.objects.get(pk=award.pk).approved_total == cad(0)
    batch = stipends.payment_batch(placement.intake)
    assert claim.payment_reference not in [reference for *_rest, reference in batch]


# --- 9. Claims on a cancelled award ------------------------------------------------------------


def test_cancelling_an_award_rejects_its_open_claims(placement, manager, owner):
    award = awarded(placement, manager, amount=4000)
    submitted = claim_with(award, owner, (cad(120), TRAVEL, -5))
    draft = stipends.start_claim(award, by=owner)
    stipends.add_claim_line(
        draft, by=owner, on=day(-4), category=TRAVEL, description="Taxi", amount=cad(30),
        receipt=receipt(),
    )  # fmt: skip

    stipends.cancel_award(award, by=manager, reason="Withdrawn")

    assert list(
        ExpenseClaim.objects.filter(award=award).order_by("pk").values_list("status", "reason")
    ) == [(ClaimStatus.REJECTED, "Withdrawn"), (ClaimStatus.REJECTED, "Withdrawn")]
    assert MoneyEvent.objects.filter(claim=submitted, to_status=ClaimStatus.REJECTED).exists()


def test_a_claim_on_an_award_no_longer_claimable_is_not_submitted(placement, manager, owner):
    award = awarded(placement, manager, amount=4000)
    draft = stipends.start_claim(award, by=owner)
    stipends.add_claim_line(
        draft, by=owner, on=day(-4), category=TRAVEL, description="Taxi", amount=cad(30),
        receipt=receipt(),
    )  # fmt: skip
    # The award cancelled without the claims (as before the fix): submitting is refused.
    StipendAward.objects.filter(pk=award.pk).update(status=AwardStatus.CANCELLED)
    with pytest.raises(ValidationError) as error:
        stipends.submit_claim(draft, by=owner)
    assert error.value.messages == ["This award is not open for claims."]
    assert ExpenseClaim.objects.get(pk=draft.pk).status == ClaimStatus.DRAFT


# --- 10. What a cancelled award tells the firm -----------------------------------------------


def test_a_cancelled_award_tells_the_firm_nothing_is_left_to_claim(
    placement, manager, owner, client
):
    award = awarded(placement, manager, amount=4000)
    stipends.cancel_award(award, by=manager, reason="Withdrawn")
    client.force_login(owner)

    mine = client.get(reverse("money:mine")).content.decode()
    row = mine[mine.index("Maple Analytics") :]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")])
    assert cells[2:4] == ["CA$4,000.00", "—"]
    page = client.get(reverse("money:award", args=[award.pk])).content.decode()
    assert "<dt>Left to claim</dt><dd>—</dd>" in page


def test_an_awarded_award_tells_the_firm_what_is_left_to_claim(placement, manager, owner, client):
    awarded(placement, manager, amount=4000)
    client.force_login(owner)
    mine = client.get(reverse("money:mine")).content.decode()
    row = mine[mine.index("Maple Analytics") :]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")])
    assert cells[2:4] == ["CA$4,000.00", "CA$4,000.00"]


# --- 11. The claims' CSV -------------------------------------------------------------------------


def test_the_claims_csv_writes_when_a_claim_was_submitted_to_the_second(
    placement, manager, owner, partner, intake, client
):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    claim = claim_with(award, owner, (cad(120), TRAVEL, -5))
    moment = datetime.datetime(2026, 12, 7, 2, 7, 42, 615642, tzinfo=datetime.UTC)
    ExpenseClaim.objects.filter(pk=claim.pk).update(submitted_at=moment)
    client.force_login(manager)

    response = client.get(reverse("money:ledger", args=[intake.pk]) + "?list=claims&format=csv")

    assert b"".join(response.streaming_content).decode().splitlines()[1] == (
        f"{claim.pk},{award.pk},Maple Analytics,120.00,CAD,0.00,Submitted,submitted,"
        "2026-12-07T02:07:42+00:00,,"
    )


def test_the_firm_is_told_why_its_claim_is_rejected_however_it_is(
    placement, manager, owner, partner, django_capture_on_commit_callbacks
):
    """By a manager, approved at nothing, or with its award cancelled: the firm learns it and
    why (no email went; the claim just read "Rejected" on its page)."""
    from django.core import mail

    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    by_hand = claim_with(award, owner, (cad(120), TRAVEL, -5))
    at_zero = claim_with(award, owner, (cad(80), TRAVEL, -4))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stipends.reject_claim(by_hand, by=manager, reason="A personal trip.")
        stipends.approve_claim(at_zero, by=manager, approved={at_zero.lines.get().pk: cad(0)})

    sent = [(email.to, email.subject) for email in mail.outbox]
    assert sent == [([owner.email], "Your expense claim is rejected")] * 2
    assert "Reason: A personal trip." in mail.outbox[0].body
    assert "Reason: No expense on this claim was approved." in mail.outbox[1].body


# --- One award, whichever way it is paid --------------------------------------------------


def test_the_tranches_and_the_claims_together_never_pay_more_than_the_award(
    placement, manager, owner, partner
):
    """Tranches and claims were each capped at the award on their own: a firm awarded
    "up to CAD 4,000" was paid its 4,000 in tranches and 4,000 more in claims. A claim
    approved now comes out of the tranches not yet approved, the last first, and one past
    what is left is refused."""
    award = awarded(placement, manager)
    arrived(placement, partner)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    stipends.pay_tranche(advance, by=manager, paid_on=day(-1), reference="WIRE-1")

    hotel = claim_with(award, owner, (cad(1500), ExpenseCategory.ACCOMMODATION, -5))
    stipends.approve_claim(hotel, by=manager)
    assert statuses(award) == [
        (1, cad(2000), TrancheStatus.PAID),
        (2, cad(500), TrancheStatus.WAITING),
    ]
    cut = MoneyEvent.objects.filter(tranche__position=2, tranche__award=award).latest("pk")
    assert (money_history.note_text(cut), money_history.changes(cut)) == (
        f"Claim {hotel.pk} approved: the tranches pay what is left of the award.",
        [("amount", "CA$2,000.00", "CA$500.00")],
    )
    assert stipends.left_to_claim(StipendAward.objects.get(pk=award.pk)) == cad(500)

    taxi = claim_with(award, owner, (cad(600), TRAVEL, -4))
    with pytest.raises(ValidationError) as error:
        stipends.approve_claim(taxi, by=manager)
    assert error.value.messages == [
        "Approving CA$600.00 would take this award over its CA$4,000.00: its tranches paid "
        "or approved CA$2,000.00 and its claims CA$1,500.00, so CA$500.00 is left. Nothing "
        "was changed."
    ]
    assert statuses(award)[1] == (2, cad(500), TrancheStatus.WAITING)

    stipends.approve_claim(taxi, by=manager, approved={taxi.lines.get().pk: cad(500)})
    assert statuses(award)[1] == (2, cad(0), TrancheStatus.CANCELLED)
    stipends.pay_claim(hotel, by=manager, paid_on=day(0), reference="WIRE-2")
    stipends.pay_claim(taxi, by=manager, paid_on=day(0), reference="WIRE-3")
    stipends.close_award(StipendAward.objects.get(pk=award.pk), by=manager)
    assert ledger.ledger_figures(placement.intake)["paid"] == cad(4000)


def test_a_tranche_is_not_approved_past_what_is_left_of_its_award(
    placement, manager, owner, partner
):
    """Rows from before the award was one sum: a balance still at 2,000 beside 3,000 of
    claims approved is refused, not paid."""
    award = awarded(placement, manager)
    stipends.approve_claim(
        claim_with(award, owner, (cad(1000), ExpenseCategory.ACCOMMODATION, -5)), by=manager
    )
    Tranche.objects.filter(award=award).update(amount=cad(2000))  # as the old rule left them
    StipendAward.objects.filter(pk=award.pk).update(approved_total=cad(3000))
    arrived(placement, partner)
    with pytest.raises(ValidationError) as error:
        stipends.approve_tranche(award.tranches.get(position=1), by=manager)
    assert error.value.messages == [
        "This tranche of CA$2,000.00 would take the award over its CA$4,000.00: only "
        "CA$1,000.00 is left once its paid and approved money is counted. Reduce the award or "
        "cancel the tranche instead. Nothing was changed."
    ]
    assert statuses(award)[0] == (1, cad(2000), TrancheStatus.DUE)


def test_a_reduction_counts_the_claims_and_the_tranches_together(
    placement, manager, owner, partner
):
    award = awarded(placement, manager)
    arrived(placement, partner)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    stipends.pay_tranche(advance, by=manager, paid_on=day(-1), reference="WIRE-1")
    stipends.approve_claim(claim_with(award, owner, (cad(1000), TRAVEL, -5)), by=manager)

    with pytest.raises(ValidationError):  # 2,000 paid and 1,000 approved: 3,000 at least
        stipends.reduce_award(award, by=manager, amount=cad(2500), reason="Cut short")
    stipends.reduce_award(award, by=manager, amount=cad(3200), reason="Cut short")
    assert statuses(award) == [
        (1, cad(2000), TrancheStatus.PAID),
        (2, cad(200), TrancheStatus.WAITING),
    ]


def test_the_firm_sees_what_is_left_to_claim_after_its_tranches(
    client, placement, manager, owner, partner
):
    award = awarded(placement, manager)
    arrived(placement, partner)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    client.force_login(owner)
    assert client.get(reverse("money:award", args=[award.pk])).context["left"] == cad(2000)
    assert client.get(reverse("money:mine")).context["awards"] == [(award, cad(2000))]
