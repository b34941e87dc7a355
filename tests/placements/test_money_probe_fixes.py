"""The money defects a finance and manager probe found after the award became one sum:
amounts in the wrong currency, refusals that dropped what was typed, reductions refused for
terms lowered since, awards of nothing, a failed payment that kept the pool committed, and
ledger links that listed other records than their figure."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from djmoney.money import Money

from placements import ledger, money_history, services, stipends
from placements.enums import (
    AwardStatus,
    CancelReason,
    ClaimStatus,
    DeskInvoiceStatus,
    ExpenseCategory,
    TrancheCondition,
)
from placements.models import DeskInvoice, ExpenseClaim, StipendAward
from programs import services as programs_services
from programs.models import Intake
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed, running_intake
from tests.placements.money import arrived, awarded, cad, claim_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(offer, manager):
    return placed(offer, manager)


def pay(tranche, manager):
    stipends.approve_tranche(tranche, by=manager)
    return stipends.pay_tranche(tranche, by=manager, paid_on=day(0), reference=f"T{tranche.pk}")


def test_an_award_and_a_claim_in_euros_start_at_nothing_approved_in_euros(company, owner):
    """An intake capped in euros showed "approved CA$0.00" on its awards and claims until a
    claim was approved (the columns' default is the portal's currency)."""
    intake = running_intake(stipend_cap=Money(4000, "EUR"), stipend_budget=Money(40000, "EUR"))
    host = factories.DeskOfferFactory(intake=intake, desks=2).host
    staff = factories.ProgramStaffFactory(program=intake.program, role="manager").user
    offer = accepted_offer(intake, host, company)
    award = stipends.propose_award(placed(offer, staff), by=staff, amount=Money(3000, "EUR"))
    award = stipends.award_stipend(award, by=staff)
    claim = stipends.start_claim(award, by=owner)
    assert StipendAward.objects.get(pk=award.pk).approved_total == Money(0, "EUR")
    assert ExpenseClaim.objects.get(pk=claim.pk).approved_total == Money(0, "EUR")


def test_a_tranche_named_without_its_share_is_refused(intake, manager):
    with pytest.raises(ValidationError) as error:
        stipends.set_stipend_schedule(
            intake, by=manager, terms=[("Advance", None, TrancheCondition.ARRIVAL)]
        )
    assert error.value.messages == ["Give each tranche its share."]


def test_the_schedule_page_refuses_a_tranche_without_its_share(client, intake, manager):
    client.force_login(manager)
    url = reverse("money:schedule", args=[intake.pk])
    form = client.get(url).context["formset"]
    data = {
        f"{form.prefix}-TOTAL_FORMS": "1",
        f"{form.prefix}-INITIAL_FORMS": "0",
        f"{form.prefix}-0-label": "Advance",
        f"{form.prefix}-0-share": "",
        f"{form.prefix}-0-condition": TrancheCondition.ARRIVAL,
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the page drawn again, not a server error
    formset = response.context["formset"]
    assert formset.forms[0].errors == {"share": ["Give each tranche its share."]}
    assert formset.forms[0]["label"].value() == "Advance"
    assert not intake.stipend_terms.exists()


def test_a_refused_reduction_is_drawn_again_with_the_reason_typed(
    client, placement, manager, partner
):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    pay(award.tranches.get(position=1), manager)
    client.force_login(manager)
    response = client.post(
        reverse("money:award_action", args=[award.pk, "reduce"]),
        {"amount": "1000", "reason": "The firm left after three days, family emergency"},
    )
    assert response.status_code == 400
    form = response.context["reduce_form"]
    assert form.data["reason"] == "The firm left after three days, family emergency"
    page = response.content.decode()
    assert "The firm left after three days, family emergency</textarea>" in page
    assert "<details open><summary>Reduce the award" in page
    assert StipendAward.objects.get(pk=award.pk).amount == cad(4000)


def test_a_reduction_below_what_was_paid_names_the_tranches_too(placement, manager, partner):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    pay(award.tranches.get(position=1), manager)  # 2,000 in the advance, no claim
    with pytest.raises(ValidationError) as error:
        stipends.reduce_award(award, by=manager, amount=cad(1000), reason="Cut short")
    assert error.value.messages == [
        "CA$1,000.00 is less than the CA$2,000.00 this award already paid in tranches or "
        "approved in claims."
    ]


def test_a_reduction_is_not_refused_for_a_pool_lowered_since(intake, host, manager):
    Intake.objects.filter(pk=intake.pk).update(stipend_budget=Money(8000, "CAD"))
    first = placed(accepted_offer(intake, host, starts_on=day(-10), ends_on=day(40)), manager)
    other = factories.DeskOfferFactory(intake=intake, desks=1).host
    second = placed(accepted_offer(intake, other, starts_on=day(-10), ends_on=day(40)), manager)
    awarded(first, manager, amount=4000)
    award = awarded(second, manager, amount=4000)
    Intake.objects.filter(pk=intake.pk).update(stipend_budget=Money(5000, "CAD"))
    stipends.reduce_award(award, by=manager, amount=cad(3000), reason="Budget cut")
    assert StipendAward.objects.get(pk=award.pk).amount == cad(3000)


def test_a_reduction_is_not_refused_for_a_cap_lowered_since(placement, manager, intake):
    award = awarded(placement, manager, amount=4000)
    intake.refresh_from_db()
    programs_services.update_intake(
        intake, by=manager, reason="Lower cap", markets=list(intake.markets.all()),
        sectors=list(intake.sectors.all()), stipend_cap=Money(3000, "CAD"),
    )  # fmt: skip
    stipends.reduce_award(award, by=manager, amount=cad(3500), reason="Cut short")
    assert StipendAward.objects.get(pk=award.pk).amount == cad(3500)


def test_an_award_of_nothing_is_refused(placement, manager):
    """Its tranches of 0.00 went into the payment batch and kept it open for ever."""
    with pytest.raises(ValidationError) as error:
        stipends.propose_award(placement, by=manager, amount=cad(0))
    assert error.value.messages == ["An award is more than zero; to give none, cancel it."]
    award = stipends.propose_award(placement, by=manager, amount=cad(500))
    with pytest.raises(ValidationError):
        stipends.award_stipend(award, by=manager, amount=cad(0))
    assert StipendAward.objects.get(pk=award.pk).amount == cad(500)


def test_an_award_closed_after_a_payment_failed_for_good_holds_only_what_it_paid(
    offer, manager, intake
):
    stipends.set_stipend_schedule(
        intake,
        by=manager,
        terms=[
            ("On signing", Decimal(50), TrancheCondition.AWARDED),
            ("On arrival", Decimal(50), TrancheCondition.ARRIVAL),
        ],
    )
    stay = placed(offer, manager, start=5, end=40)
    award = awarded(stay, manager, amount=4000)
    signing = award.tranches.get(position=1)
    stipends.approve_tranche(signing, by=manager)  # 2,000 with finance
    services.cancel_placement(stay, by=manager, reason=CancelReason.VISA_REFUSED)
    stipends.fail_tranche(signing, by=manager, reason="Account closed")
    stipends.cancel_tranche(signing, by=manager, reason="Firm gone, not paid")
    stipends.close_award(StipendAward.objects.get(pk=award.pk), by=manager)

    award.refresh_from_db()
    assert (award.status, award.amount) == (AwardStatus.CLOSED, cad(0))
    event = award.events.filter(to_status=AwardStatus.CLOSED).get()
    assert (money_history.note_text(event), money_history.changes(event)) == (
        "Closed at what it paid.",
        [("amount", "CA$2,000.00", "CA$0.00")],
    )
    figures = ledger.ledger_figures(intake)
    assert (figures["paid"], figures["awarded"], figures["left"]) == (
        cad(0),
        cad(0),
        intake.stipend_budget,
    )


def test_an_award_paid_in_full_closes_at_its_amount(placement, manager, partner):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    pay(award.tranches.get(position=1), manager)
    stipends.satisfy_condition(placement, TrancheCondition.REPORT_VERIFIED, by=manager)
    pay(award.tranches.get(position=2), manager)
    stipends.close_award(StipendAward.objects.get(pk=award.pk), by=manager)
    award.refresh_from_db()
    assert (award.status, award.amount) == (AwardStatus.CLOSED, cad(4000))


def test_each_desk_figure_lists_the_invoices_of_its_currency(intake, manager, client):
    made = {}
    for cost, total in [(Money("40", "CAD"), Money("1200", "CAD")),
                        (Money("45.50", "EUR"), Money("1365", "EUR"))]:  # fmt: skip
        host = factories.DeskOfferFactory(intake=intake, desks=1, host__desk_cost_per_day=cost).host
        made[str(total.currency)] = DeskInvoice.objects.create(
            intake=intake, host=host, period_start=datetime.date(2026, 9, 1),
            period_end=datetime.date(2026, 9, 30), days=30, total=total,
            status=DeskInvoiceStatus.SENT,
        )  # fmt: skip
    client.force_login(manager)
    url = reverse("money:ledger", args=[intake.pk])
    block = client.get(url).content.decode().split('id="desk-figures"')[1].split("</dl>")[0]
    links = dict(
        re.findall(r"<dt>Desk costs invoiced \((\w+)\)</dt><dd><a href=\"([^\"]*)\"", block)
    )
    for currency, invoice in made.items():
        listed = client.get(url + unescape(links[currency]))
        assert [row["pk"] for row in listed.context["rows"]] == [invoice.pk]
        csv = client.get(url + unescape(links[currency]) + "&format=csv")
        assert b"".join(csv.streaming_content).decode().count("\n") == 2  # header and one row


def test_a_placement_whose_award_was_cancelled_is_listed_to_propose_again(
    client, placement, manager, intake
):
    award = stipends.propose_award(placement, by=manager, amount=cad(400))
    stipends.cancel_award(award, by=manager, reason="Mistyped: should be 4,000")
    client.force_login(manager)
    listed = client.get(reverse("money:ledger", args=[intake.pk]) + "?list=unawarded")
    assert [row["pk"] for row in listed.context["rows"]] == [placement.pk]


def test_asking_for_changes_with_an_amount_mistyped_sends_nothing_back(
    client, placement, manager, owner, partner
):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    claim = claim_with(
        award, owner, (cad(300), ExpenseCategory.TRAVEL, -5), (cad(200), ExpenseCategory.OTHER, -4)
    )
    first, second = claim.lines.order_by("on")
    client.force_login(manager)
    url = reverse("money:claim_action", args=[claim.pk, "changes"])
    response = client.post(url, {
        f"approved_{first.pk}": "250.00", f"approved_{second.pk}": "2000",
        f"note_{second.pk}": "Which taxi?", "note": "Send the taxi's receipt",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["approval_form"].data[f"approved_{first.pk}"] == "250.00"
    assert ExpenseClaim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED

    # Typed right, the line approved keeps its amount while the other is fixed; a line
    # left blank is no amount.
    client.post(url, {
        f"approved_{first.pk}": "250.00", f"approved_{second.pk}": "",
        f"note_{second.pk}": "Which taxi?", "note": "Send the taxi's receipt",
    })  # fmt: skip
    assert ExpenseClaim.objects.get(pk=claim.pk).status == ClaimStatus.CHANGES_REQUESTED
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.approved, second.approved) == (cad(250), None)


# --- The firm is told of its award --------------------------------------------------------


def test_the_firm_is_told_of_its_award_its_tranches_a_reduction_in_its_language(
    placement, manager, owner, partner, django_capture_on_commit_callbacks
):
    from django.core import mail

    owner.language = "fr"
    owner.save(update_fields=["language"])
    award = stipends.propose_award(placement, by=manager, amount=cad(4000))
    assert mail.outbox == []  # a proposal is the program's, not yet the firm's
    with django_capture_on_commit_callbacks(execute=True):
        award = stipends.award_stipend(award, by=manager)
    (awarded_mail,) = mail.outbox
    assert awarded_mail.to == [owner.email]
    assert awarded_mail.subject == "Votre allocation est octroyée\u00a0: 4\u202f000,00\u00a0$CA"
    # The tranche's name is the default schedule's, and its condition, both in the
    # reader's language (tests/placements/test_tranche_names.py).
    assert (
        "- Avance\u00a0: 2\u202f000,00\u00a0$CA, lorsque l’arrivée est consignée"
        in awarded_mail.body
    )

    with django_capture_on_commit_callbacks(execute=True):
        stipends.reduce_award(award, by=manager, amount=cad(3000), reason="Séjour écourté")
    reduced = mail.outbox[1]
    assert reduced.subject == "Votre allocation est réduite à 3\u202f000,00\u00a0$CA"
    assert "Séjour écourté" in reduced.body
    assert "Solde\u00a0: 1\u202f000,00\u00a0$CA (En attente)" in reduced.body


def test_the_firm_is_told_when_its_award_is_cancelled_not_when_a_proposal_is(
    placement, manager, owner, django_capture_on_commit_callbacks
):
    from django.core import mail

    proposal = stipends.propose_award(placement, by=manager, amount=cad(400))
    with django_capture_on_commit_callbacks(execute=True):
        stipends.cancel_award(proposal, by=manager, reason="Mistyped")
    assert mail.outbox == []
    award = stipends.propose_award(placement, by=manager, amount=cad(4000))
    with django_capture_on_commit_callbacks(execute=True):
        award = stipends.award_stipend(award, by=manager)
        stipends.cancel_award(award, by=manager, reason="The firm withdrew from the program")
    assert [message.subject for message in mail.outbox] == [
        "Your stipend is awarded: CA$4,000.00",
        "Your stipend is cancelled",
    ]
    assert "The reason: The firm withdrew from the program" in mail.outbox[1].body
