"""Helpers for the money tests: an awarded placement, rates, receipts."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from djmoney.money import Money

from placements import services, stipends
from placements.models import ExchangeRate
from tests.placements.conftest import day

PDF = b"%PDF-1.4 receipt\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def cad(amount):
    return Money(Decimal(str(amount)), "CAD")


def receipt(content=PDF, name="receipt.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def rates(on_day=-20):
    """The Bank of Canada's rates for EUR and INR, recorded before the stay."""
    for base, value in [("EUR", "1.5000"), ("INR", "0.0160")]:
        ExchangeRate.objects.create(
            base=base, quote="CAD", rate=Decimal(value), on=day(on_day), source="Bank of Canada"
        )


def awarded(placement, manager, amount=4000):
    award = stipends.propose_award(placement, by=manager, amount=cad(amount))
    return stipends.award_stipend(award, by=manager)


def arrived(placement, partner, on=-10):
    return services.log_arrival(placement, by=partner, on=day(on))


def claim_with(award, member, *lines):
    """A submitted claim of ``lines``: (amount Money, category, day offset)."""
    claim = stipends.start_claim(award, by=member)
    for amount, category, offset in lines:
        stipends.add_claim_line(
            claim,
            by=member,
            on=day(offset),
            category=category,
            description=f"{category} expense",
            amount=amount,
            receipt=receipt(),
        )
    return stipends.submit_claim(claim, by=member)
