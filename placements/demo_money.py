"""The demo's exchange rates and desk invoices (seed_demo, through placements.demo).

Rates are recorded for every working day of the demo's months, so a claim or an invoice on
any demo date converts: BRL, EUR, INR and SAR as the Bank of Canada publishes them (CAD per
unit, working days only, so a weekend takes the Friday's rate), and AED, which the Bank of
Canada does not publish, entered by hand by the program manager on the first working day of
each month. The figures are illustrative, near the real levels of 2025-2026, and their
source says so: the demo never passes its own numbers off as a bank's.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from placements.desk_invoices import generate_all_desk_invoices
from placements.models import ExchangeRate

DEMO_SOURCE = "Demo figures in the Bank of Canada's form (illustrative, not a published rate)"
# CAD per unit, around which the demo's days move.
DEMO_LEVELS = {
    "BRL": Decimal("0.2590"),
    "EUR": Decimal("1.4952"),
    "INR": Decimal("0.01652"),
    "SAR": Decimal("0.3701"),
}
AED_LEVEL = Decimal("0.3779")
DEMO_DAYS = 240
# A small repeating drift (parts per ten thousand), so the rate visibly differs by date.
DRIFT = [0, 12, -7, 18, 5, -15, 9, -3, 14, -10, 2]


def _working_days(first, last):
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += datetime.timedelta(days=1)


def _on(level, n, places):
    return (level * (1 + Decimal(DRIFT[n % len(DRIFT)]) / 10000)).quantize(places)


def seed_rates(run, *, today=None):
    today = today or timezone.localdate()
    days = list(_working_days(today - datetime.timedelta(days=DEMO_DAYS), today))
    rows = [
        ExchangeRate(
            base=currency,
            quote="CAD",
            on=day,
            rate=_on(level, n, Decimal("0.00001") if level < 1 else Decimal("0.0001")),
            source=DEMO_SOURCE,
        )
        for n, day in enumerate(days)
        for currency, level in DEMO_LEVELS.items()
    ]
    manager = run.users.get("manager")
    name = manager.get_full_name() if manager else "the program manager"
    firsts = {}
    for day in days:
        firsts.setdefault((day.year, day.month), day)
    rows += [
        ExchangeRate(
            base="AED",
            quote="CAD",
            on=day,
            rate=_on(AED_LEVEL, n, Decimal("0.0001")),
            source=f"entered by {name} (Central Bank of the UAE, illustrative)",
            entered_by=manager,
        )
        for n, day in enumerate(sorted(firsts.values()))
    ]
    ExchangeRate.objects.bulk_create(rows, batch_size=1000)


def seed_desk_invoices(run, *, today=None):
    """Draw the desk invoices due for the demo's stays (none before placements are seeded)."""
    generate_all_desk_invoices(today=today)
