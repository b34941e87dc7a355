"""Bar charts drawn in HTML and CSS on the server: no JavaScript, readable on a phone."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    percent_of_max: float


def bars(items, *, label, value):
    """Rows for a horizontal bar chart, each with its share of the largest value."""
    rows = [(label(item), value(item)) for item in items]
    rows = [(name, amount) for name, amount in rows if amount is not None]
    largest = max((amount for _, amount in rows), default=0) or 1
    return [
        Bar(name, amount, round(float(amount) / float(largest) * 100, 2)) for name, amount in rows
    ]
