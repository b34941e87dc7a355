"""Demo money (issue 17, item 9), apart from the placements' own demo: ``seed_money(run,
placements)`` gives the demo placements their awards, tranches and expense claims in every
state, claims in BRL, EUR, INR, SAR and AED converted at recorded rates. The placements'
demo seeder calls it with the placements it made."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from djmoney.money import Money

from placements import stipends
from placements.enums import ExpenseCategory, PlacementStatus
from placements.models import ExchangeRate

# What one unit was worth in CAD, as the Bank of Canada published it (rounded): recorded
# 60 days before the seed runs, so every demo expense has a rate in force.
DEMO_RATES = {
    "BRL": "0.2480",
    "EUR": "1.4950",
    "INR": "0.0163",
    "SAR": "0.3640",
    "AED": "0.3720",
}
RATE_SOURCE = "Bank of Canada (demo copy)"
T, C = ExpenseCategory.TRAVEL, ExpenseCategory.ACCOMMODATION
A, OTHER = ExpenseCategory.ADMINISTRATION, ExpenseCategory.OTHER
RECEIPT = b"%PDF-1.4\n% demo receipt\n"
OUTSIDE = "Booked before the stay began."


def _rates():
    on = timezone.localdate() - datetime.timedelta(days=60)
    for currency, rate in DEMO_RATES.items():
        if not ExchangeRate.objects.filter(base=currency, quote="CAD", on__lte=on).exists():
            ExchangeRate.objects.create(
                base=currency, quote="CAD", on=on, rate=Decimal(rate), source=RATE_SOURCE
            )


def _claim(award, owner, lines):
    """A claim of ``lines``: (days ago, category, description, Money)."""
    claim = stipends.start_claim(award, by=owner)
    placement = award.placement
    for days_ago, category, description, amount in lines:
        on = timezone.localdate() - datetime.timedelta(days=days_ago)
        inside = placement.starts_on <= on <= (placement.departed_on or placement.ends_on)
        stipends.add_claim_line(
            claim,
            by=owner,
            on=on,
            category=category,
            description=description,
            amount=amount,
            receipt=ContentFile(RECEIPT, name=f"{description.lower().replace(' ', '-')}.pdf"),
            outside_reason="" if inside else OUTSIDE,
        )
    return claim


def seed_money(run, placements):
    """The first placement not cancelled gets an award with claims in every state, and its
    advance paid if the firm has arrived; the next one an award proposed. Returns the
    awards."""
    manager = run.users["manager"]
    _rates()
    awards = []
    live = [p for p in placements if p.status != PlacementStatus.CANCELLED]
    for index, placement in enumerate(live[:2]):
        owner = placement.company.members.order_by("pk").first().user
        award = stipends.propose_award(placement, by=manager)
        awards.append(award)
        if index == 1:
            continue  # proposed, waiting for the manager
        award = stipends.award_stipend(award, by=manager)
        _claim(award, owner, [(3, OTHER, "Taxi to the trade fair", Money(180, "BRL"))])
        submitted = _claim(
            award,
            owner,
            [
                (20, T, "Flight to the market", Money(640, "EUR")),
                (18, C, "Hotel first week", Money(21000, "INR")),
            ],
        )
        stipends.submit_claim(submitted, by=owner)
        sent_back = _claim(award, owner, [(15, A, "Company registration", Money(900, "SAR"))])
        stipends.submit_claim(sent_back, by=owner)
        stipends.request_changes(
            sent_back, by=manager, reason="The receipt is a quote, not an invoice."
        )
        approved = _claim(
            award,
            owner,
            [
                (12, C, "Serviced flat", Money(2600, "AED")),
                (11, OTHER, "Welcome dinner", Money(450, "AED")),
            ],
        )
        stipends.submit_claim(approved, by=owner)
        lines = list(approved.lines.order_by("on", "pk"))
        stipends.approve_claim(
            approved,
            by=manager,
            approved={lines[0].pk: lines[0].converted, lines[1].pk: Money(0, "CAD")},
            notes={lines[1].pk: "Meals are not covered."},
        )
        paid = _claim(award, owner, [(25, T, "Visa and travel insurance", Money(300, "EUR"))])
        stipends.submit_claim(paid, by=owner)
        stipends.approve_claim(paid, by=manager)
        stipends.pay_claim(
            paid, by=manager, paid_on=timezone.localdate(), reference="DEMO-WIRE-0001"
        )
        rejected = _claim(award, owner, [(9, OTHER, "Souvenirs", Money(5000, "INR"))])
        stipends.submit_claim(rejected, by=owner)
        stipends.reject_claim(rejected, by=manager, reason="Personal purchases are not covered.")
        advance = award.tranches.order_by("position").first()
        advance.refresh_from_db()
        if advance.status == "due":
            stipends.approve_tranche(advance, by=manager)
            stipends.pay_tranche(
                advance, by=manager, paid_on=timezone.localdate(), reference="DEMO-WIRE-0002"
            )
    return awards
