from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from djmoney.money import Money

from placements import money_history, services, stipends
from placements.enums import (
    AwardStatus,
    CancelReason,
    ClaimStatus,
    ExpenseCategory,
    TrancheCondition,
    TrancheStatus,
)
from placements.models import ClaimLine, MoneyEvent, StipendAward, StipendTerm, Tranche
from portal.models import OutgoingEmail
from programs.enums import StaffRole
from tests import factories
from tests.placements.conftest import day, placed
from tests.placements.money import (
    JPEG,
    arrived,
    awarded,
    cad,
    claim_with,
    rates,
    receipt,
)

TRAVEL, HOTEL = ExpenseCategory.TRAVEL, ExpenseCategory.ACCOMMODATION


@pytest.fixture
def placement(offer, manager):
    return placed(offer, manager)


@pytest.fixture
def award(placement, manager):
    return awarded(placement, manager)


def statuses(award):
    return [
        (tranche.name, tranche.amount, tranche.status)
        for tranche in Tranche.objects.filter(award=award).order_by("position")
    ]


# --- Awards ---------------------------------------------------------------------------------


def test_the_proposed_amount_is_the_accepted_budget_within_the_cap(placement, manager):
    application = placement.offer.application
    application.budget_total = cad("3250.50")
    application.save()
    assert stipends.proposed_amount(placement) == cad("3250.50")
    application.budget_total = cad(9000)
    application.save()
    assert stipends.proposed_amount(placement) == cad(4000)


def test_proposing_records_the_award_and_its_first_event(placement, manager):
    award = stipends.propose_award(placement, by=manager, amount=cad(3000))
    assert (award.status, award.amount, award.intake, award.company) == (
        AwardStatus.PROPOSED,
        cad(3000),
        placement.intake,
        placement.company,
    )
    event = MoneyEvent.objects.get(award=award)
    assert (event.actor, event.from_status, event.to_status, event.changes) == (
        manager,
        "",
        "proposed",
        {"amount": [None, {"amount": "3000.00", "currency": "CAD"}]},
    )
    assert money_history.changes(event) == [("amount", "", "CA$3,000.00")]


def test_an_award_over_the_cap_is_refused(placement, manager):
    with pytest.raises(ValidationError) as error:
        stipends.propose_award(placement, by=manager, amount=cad("4000.01"))
    assert error.value.messages == ["CA$4,000.01 is more than the intake's cap of CA$4,000.00."]
    assert StipendAward.objects.count() == 0


def test_an_award_over_the_pool_is_refused_and_warned_before(intake, placement, manager):
    intake.stipend_budget = cad(5000)
    intake.save()
    other = factories.DeskOfferFactory(intake=intake, desks=1).host
    from tests.placements.conftest import accepted_offer

    second = placed(accepted_offer(intake, other, starts_on=day(-10), ends_on=day(40)), manager)
    stipends.propose_award(second, by=manager, amount=cad(2000))
    assert stipends.pool_warning(intake, cad(3500)) == (
        "CA$3,500.00 would take the intake over its stipend pool: only CA$3,000.00 is left of "
        "CA$5,000.00. It will be refused."
    )
    assert stipends.pool_warning(intake, cad("2600")) == (
        "After CA$2,600.00 only CA$400.00 is left of the intake's pool of CA$5,000.00."
    )
    assert stipends.pool_warning(intake, cad(1000)) == ""
    with pytest.raises(ValidationError) as error:
        stipends.propose_award(placement, by=manager, amount=cad(3500))
    assert error.value.messages == [
        "CA$3,500.00 would take the intake over its stipend pool: only CA$3,000.00 is left. "
        "Nothing was changed."
    ]
    assert StipendAward.objects.count() == 1


def test_awarding_makes_the_default_tranches_waiting(award):
    assert award.status == AwardStatus.AWARDED
    assert statuses(award) == [
        ("Advance", cad(2000), TrancheStatus.WAITING),
        ("Balance", cad(2000), TrancheStatus.WAITING),
    ]


def test_the_intake_schedule_splits_to_the_cent_and_conditions_met_fall_due(
    intake, placement, manager, partner
):
    for position, (label, share, condition) in enumerate(
        [
            ("On award", "33.33", TrancheCondition.AWARDED),
            ("On arrival", "33.33", TrancheCondition.ARRIVAL),
            ("Report", "33.34", TrancheCondition.REPORT_VERIFIED),
        ],
        1,
    ):
        StipendTerm.objects.create(
            intake=intake, position=position, label=label, share=Decimal(share), condition=condition
        )
    award = awarded(placement, manager, amount=1000)
    assert statuses(award) == [
        ("On award", cad("333.30"), TrancheStatus.DUE),
        ("On arrival", cad("333.30"), TrancheStatus.WAITING),
        ("Report", cad("333.40"), TrancheStatus.WAITING),
    ]
    arrived(placement, partner)
    assert [status for _label, _amount, status in statuses(award)] == ["due", "due", "waiting"]


def test_another_app_satisfies_a_condition_once(award, placement, manager):
    fell = stipends.satisfy_condition(placement, TrancheCondition.REPORT_VERIFIED, by=manager)
    assert [tranche.name for tranche in fell] == ["Balance"]
    assert stipends.satisfy_condition(placement, TrancheCondition.REPORT_VERIFIED) == []
    assert statuses(award)[1][2] == TrancheStatus.DUE


def test_cancelling_the_stay_cancels_the_award_and_its_tranches(award, placement, manager):
    services.cancel_placement(placement, by=manager, reason=CancelReason.VISA_REFUSED)
    award.refresh_from_db()
    assert (award.status, award.reason) == (AwardStatus.CANCELLED, "Visa refused")
    assert [status for *_rest, status in statuses(award)] == ["cancelled", "cancelled"]


def test_a_stay_cut_short_reduces_the_award_from_its_last_tranche(
    award, placement, manager, partner
):
    arrived(placement, partner)
    services.cut_short(placement, by=partner, on=day(-2), reason="Family emergency")
    stipends.reduce_award(award, by=manager, amount=cad(2500), reason="Stay cut short")
    award.refresh_from_db()
    assert (award.status, award.amount, award.reason) == (
        AwardStatus.REDUCED,
        cad(2500),
        "Stay cut short",
    )
    assert statuses(award) == [
        ("Advance", cad(2000), TrancheStatus.DUE),
        ("Balance", cad(500), TrancheStatus.WAITING),
    ]
    event = award.events.filter(to_status="reduced").get()
    assert (money_history.note_text(event), money_history.changes(event)) == (
        "Stay cut short",
        [("amount", "CA$4,000.00", "CA$2,500.00")],
    )


def test_a_reduction_needs_a_reason_and_a_lower_amount(award, manager):
    with pytest.raises(ValidationError) as error:
        stipends.reduce_award(award, by=manager, amount=cad(2500), reason=" ")
    assert error.value.messages == ["Give the reason."]
    with pytest.raises(ValidationError) as error:
        stipends.reduce_award(award, by=manager, amount=cad(4000), reason="Cut short")
    assert error.value.messages == ["A reduced award is less than its CA$4,000.00."]


# --- Disbursements --------------------------------------------------------------------------


def test_a_due_tranche_is_approved_paid_and_the_firm_told(
    award, placement, manager, partner, owner, django_capture_on_commit_callbacks
):
    arrived(placement, partner)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        stipends.pay_tranche(advance, by=manager, paid_on=day(-1), reference="WIRE-77")
    advance.refresh_from_db()
    assert (advance.status, advance.paid_on, advance.reference) == ("paid", day(-1), "WIRE-77")
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert mail.outbox[0].subject == "Stipend paid: Advance, CA$2,000.00"


def test_paying_twice_is_refused_and_changes_nothing(award, placement, manager, partner):
    arrived(placement, partner)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    stipends.pay_tranche(advance, by=manager, paid_on=day(-1), reference="WIRE-77")
    with pytest.raises(ValidationError) as error:
        stipends.pay_tranche(advance, by=manager, paid_on=day(0), reference="WIRE-78")
    assert error.value.messages[0].startswith("This was already paid on ")
    assert error.value.messages[0].endswith("(reference WIRE-77); nothing was changed.")
    advance.refresh_from_db()
    assert (advance.paid_on, advance.reference, advance.version) == (day(-1), "WIRE-77", 4)


def test_a_waiting_tranche_cannot_be_approved(award, manager):
    with pytest.raises(ValidationError) as error:
        stipends.approve_tranche(award.tranches.get(position=1), by=manager)
    assert error.value.messages == ["A tranche that is waiting cannot become approved."]


def test_a_failed_payment_keeps_its_reason_and_may_be_approved_again(
    award, placement, manager, partner
):
    arrived(placement, partner)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    stipends.fail_tranche(advance, by=manager, reason="Account closed")
    advance.refresh_from_db()
    assert (advance.status, advance.reason) == ("failed", "Account closed")
    stipends.approve_tranche(advance, by=manager)
    assert list(advance.events.values_list("from_status", "to_status", "note")) == [
        ("", "waiting", ""),
        ("waiting", "due", ""),
        ("due", "approved", ""),
        ("approved", "failed", "Account closed"),
        ("failed", "approved", ""),
    ]


def test_the_payment_batch_lists_approved_tranches_and_claims(
    award, placement, manager, partner, owner
):
    rates()
    arrived(placement, partner)
    stipends.approve_tranche(award.tranches.get(position=1), by=manager)
    claim = claim_with(award, owner, (Money(100, "EUR"), TRAVEL, -5))
    stipends.approve_claim(claim, by=manager)
    assert stipends.payment_batch_csv(placement.intake) == (
        "payee,amount,currency,reference\r\n"
        f"Maple Analytics,2000.00,CAD,STIPEND-{award.pk}-1\r\n"
        f"Maple Analytics,150.00,CAD,CLAIM-{claim.pk}\r\n"
    )


# --- Claims ---------------------------------------------------------------------------------


def test_a_line_is_converted_at_the_rate_of_its_date_and_keeps_it(award, owner):
    rates()
    claim = stipends.start_claim(award, by=owner)
    line = stipends.add_claim_line(
        claim,
        by=owner,
        on=day(-5),
        category=HOTEL,
        description="Hotel, 3 nights",
        amount=Money(24000, "INR"),
        receipt=receipt(JPEG, "hotel.jpg"),
    )
    line = ClaimLine.objects.get(pk=line.pk)
    assert (line.converted, line.rate, line.rate_date, line.rate_source, line.receipt_type) == (
        cad("384.00"),
        Decimal("0.0160000000"),
        day(-20),
        "Bank of Canada",
        "image/jpeg",
    )
    claim.refresh_from_db()
    assert claim.total == cad("384.00")


def test_a_currency_with_no_rate_is_refused_naming_it_and_the_date(award, owner):
    claim = stipends.start_claim(award, by=owner)
    with pytest.raises(ValidationError) as error:
        stipends.add_claim_line(
            claim,
            by=owner,
            on=day(-5),
            category=TRAVEL,
            description="Taxi",
            amount=Money(50, "BRL"),
            receipt=receipt(),
        )
    assert "BRL" in error.value.messages[0]
    assert error.value.messages[0].startswith("No exchange rate for BRL")
    assert ClaimLine.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "content", "message"),
    [
        (Money(-5, "CAD"), b"%PDF-", "An expense is more than zero."),
        (
            Money(500000, "CAD"),
            b"%PDF-",
            "CA$500,000.00 (CA$500,000.00) is more than any one expense can be; check the amount.",
        ),
        (
            Money(50, "CAD"),
            b"MZ not a pdf",
            "This file is not a PDF, PNG or JPEG, whatever its name says.",
        ),
    ],
)
def test_bad_lines_are_refused(award, owner, amount, content, message):
    claim = stipends.start_claim(award, by=owner)
    with pytest.raises(ValidationError) as error:
        stipends.add_claim_line(
            claim,
            by=owner,
            on=day(-5),
            category=TRAVEL,
            description="Taxi",
            amount=amount,
            receipt=receipt(content),
        )
    assert error.value.messages == [message]
    assert ClaimLine.objects.count() == 0


def test_a_date_outside_the_stay_needs_a_reason_and_is_flagged(award, owner):
    claim = stipends.start_claim(award, by=owner)
    kwargs = dict(
        on=day(-20),
        category=TRAVEL,
        description="Flight out",
        amount=cad(900),
        receipt=receipt(),
    )
    with pytest.raises(ValidationError) as error:
        stipends.add_claim_line(claim, by=owner, **kwargs)
    assert error.value.messages[0].endswith("is outside the stay") is False
    assert "is outside the stay" in error.value.messages[0]
    line = stipends.add_claim_line(claim, by=owner, outside_reason="Booked ahead", **kwargs)
    assert (line.outside_stay, line.outside_reason) == (True, "Booked ahead")


def test_submitting_tells_the_managers(award, owner, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_with(award, owner, (cad(200), TRAVEL, -5))
    assert claim.status == ClaimStatus.SUBMITTED
    assert [(message.to, message.subject) for message in mail.outbox] == [
        ([manager.email], "Expense claim submitted: Maple Analytics, CA$200.00")
    ]


def test_approving_line_by_line_counts_against_the_award(award, owner, manager):
    rates()
    claim = claim_with(award, owner, (Money(400, "EUR"), TRAVEL, -5), (cad(300), HOTEL, -4))
    flight, hotel = claim.lines.order_by("on")
    stipends.approve_claim(claim, by=manager, approved={hotel.pk: cad(0)})
    claim.refresh_from_db()
    award.refresh_from_db()
    assert (claim.status, claim.approved_total, award.approved_total) == (
        ClaimStatus.APPROVED,
        cad(600),
        cad(600),
    )
    assert list(claim.lines.order_by("on").values_list("approved", flat=True)) == [
        Decimal("600.00"),
        Decimal("0.00"),
    ]


def test_a_claim_over_what_is_left_of_the_award_is_refused(award, owner, manager):
    first = claim_with(award, owner, (cad(3500), TRAVEL, -5))
    stipends.approve_claim(first, by=manager)
    second = claim_with(award, owner, (cad(600), HOTEL, -4))
    with pytest.raises(ValidationError) as error:
        stipends.approve_claim(second, by=manager)
    assert error.value.messages == [
        "Approving CA$600.00 would take this award over its CA$4,000.00: its tranches paid "
        "or approved CA$0.00 and its claims CA$3,500.00, so CA$500.00 is left. Nothing was "
        "changed."
    ]
    second.refresh_from_db()
    award.refresh_from_db()
    assert (second.status, award.approved_total) == (ClaimStatus.SUBMITTED, cad(3500))
    stipends.approve_claim(second, by=manager, approved={second.lines.get().pk: cad(500)})
    award.refresh_from_db()
    assert award.approved_total == cad(4000)


def test_changes_requested_then_fixed_then_approved_and_paid(
    award, owner, manager, django_capture_on_commit_callbacks
):
    claim = claim_with(award, owner, (cad(200), TRAVEL, -5))
    line = claim.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        stipends.request_changes(
            claim, by=manager, reason="Receipt unreadable", notes={line.pk: "Scan again"}
        )
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == (ClaimStatus.CHANGES_REQUESTED, "Receipt unreadable")
    assert ClaimLine.objects.get(pk=line.pk).note == "Scan again"
    with django_capture_on_commit_callbacks(execute=True):
        stipends.remove_claim_line(line, by=owner)
        stipends.add_claim_line(
            claim,
            by=owner,
            on=day(-5),
            category=TRAVEL,
            description="Train",
            amount=cad(180),
            receipt=receipt(),
        )
        stipends.submit_claim(claim, by=owner)
        stipends.approve_claim(claim, by=manager)
        stipends.pay_claim(claim, by=manager, paid_on=day(0), reference="WIRE-9")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_total, claim.reference) == ("paid", cad(180), "WIRE-9")
    assert [message.subject for message in mail.outbox] == [
        "Changes requested on your expense claim",
        "Expense claim submitted: Maple Analytics, CA$180.00",
        "Expense claim approved: CA$180.00",
        "Expense claim paid: CA$180.00",
    ]
    assert list(claim.events.values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "draft"),
        ("draft", "submitted"),
        ("submitted", "changes-requested"),
        ("changes-requested", "changes-requested"),
        ("changes-requested", "changes-requested"),
        ("changes-requested", "submitted"),
        ("submitted", "approved"),
        ("approved", "paid"),
    ]


def test_a_refusal_needs_a_reason(award, owner, manager):
    claim = claim_with(award, owner, (cad(200), TRAVEL, -5))
    with pytest.raises(ValidationError) as error:
        stipends.reject_claim(claim, by=manager, reason="")
    assert error.value.messages == ["Give the reason."]


def test_a_submitted_claim_cannot_be_edited(award, owner):
    claim = claim_with(award, owner, (cad(200), TRAVEL, -5))
    with pytest.raises(ValidationError) as error:
        stipends.remove_claim_line(claim.lines.get(), by=owner)
    assert error.value.messages == ["This claim was submitted; it cannot be changed now."]


def test_managers_are_told_in_their_language(
    award, owner, intake, manager, django_capture_on_commit_callbacks
):
    francophone = factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.MANAGER, user__language="fr"
    ).user
    with django_capture_on_commit_callbacks(execute=True):
        claim_with(award, owner, (cad(200), TRAVEL, -5))
    assert [message.to for message in mail.outbox] == [[manager.email], [francophone.email]]
    submitted = OutgoingEmail.objects.filter(key__startswith="claim-").order_by("pk")
    assert list(submitted.values_list("key", flat=True)) == [
        f"claim-submitted:{claim_key(award)}:en",
        f"claim-submitted:{claim_key(award)}:fr",
    ]


def claim_key(award):
    claim = award.claims.get()
    return f"{claim.pk}:{claim.version}"


def test_asking_for_changes_keeps_the_approved_lines_amounts_counting_nothing_yet(
    award, owner, manager
):
    claim = claim_with(award, owner, (cad(600), TRAVEL, -5), (cad(300), HOTEL, -4))
    flight, hotel = claim.lines.order_by("on")
    stipends.request_changes(
        claim,
        by=manager,
        reason="The hotel receipt has no dates",
        notes={hotel.pk: "Send the invoice with dates"},
        approved={flight.pk: cad(550), hotel.pk: cad(300)},
    )
    assert list(claim.lines.order_by("on").values_list("approved", "note")) == [
        (Decimal("550.00"), ""),
        (None, "Send the invoice with dates"),
    ]
    award.refresh_from_db()
    assert award.approved_total == cad(0)


def test_a_line_removal_rolled_back_keeps_its_receipt_file(
    award, owner, django_capture_on_commit_callbacks
):
    claim = stipends.start_claim(award, by=owner)
    line = stipends.add_claim_line(
        claim, by=owner, on=day(-5), category=TRAVEL, description="Train", amount=cad(180),
        receipt=receipt(),
    )  # fmt: skip
    pk, name, storage = line.pk, line.receipt.name, line.receipt.storage
    with transaction.atomic():
        stipends.remove_claim_line(ClaimLine.objects.get(pk=pk), by=owner)
        transaction.set_rollback(True)
    assert (ClaimLine.objects.filter(pk=pk).count(), storage.exists(name)) == (1, True)
    with django_capture_on_commit_callbacks(execute=True):
        stipends.remove_claim_line(ClaimLine.objects.get(pk=pk), by=owner)
    assert (ClaimLine.objects.filter(pk=pk).count(), storage.exists(name)) == (0, False)


def test_an_award_whose_payment_failed_cannot_be_closed(intake, offer, manager, partner):
    """The firm was never paid (the ledger counts the tranche to pay): closing it, "everything
    settled", is refused until it is paid again or cancelled."""
    stipends.set_stipend_schedule(
        intake, by=manager, terms=[("All", 100, TrancheCondition.ARRIVAL)]
    )
    placement = placed(offer, manager)
    award = awarded(placement, manager)
    arrived(placement, partner)
    tranche = award.tranches.get()
    stipends.approve_tranche(tranche, by=manager)
    stipends.fail_tranche(tranche, by=manager, reason="Bank returned the wire")
    with pytest.raises(ValidationError, match="still to be paid or cancelled"):
        stipends.close_award(award, by=manager)
    assert StipendAward.objects.get(pk=award.pk).status == AwardStatus.AWARDED


def test_a_reduction_to_what_was_paid_cancels_the_tranche_left_at_zero_and_it_closes(
    offer, manager, partner
):
    """2,000 paid of 4,000, the stay cut short, the award reduced to 2,000: the balance
    comes to 0 and is cancelled with the reduction's reason, and the award can be closed
    (the balance waited at 0, and closing was refused for ever)."""
    placement = placed(offer, manager)
    award = awarded(placement, manager)  # 2,000 on arrival, 2,000 on the report verified
    arrived(placement, partner)
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    stipends.pay_tranche(advance, by=manager, paid_on=day(0), reference="W-1")
    services.cut_short(placement, by=partner, on=day(-1), reason="Family emergency")
    stipends.reduce_award(award, by=manager, amount=cad(2000), reason="Stay cut short")
    balance = Tranche.objects.get(award=award, position=2)
    assert (balance.amount, balance.status, balance.reason) == (
        cad(0),
        TrancheStatus.CANCELLED,
        "Stay cut short",
    )
    stipends.close_award(award, by=manager)
    assert StipendAward.objects.get(pk=award.pk).status == AwardStatus.CLOSED
