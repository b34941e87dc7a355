"""Charts drawn on the server as SVG shapes in the template: no JavaScript, no CDN, and
nothing inline the Content-Security-Policy would refuse (sizes are SVG attributes)."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    percent: float  # of the largest value, 0 to 100


def bars(items):
    """[(label, value)] -> bars, each sized against the largest value."""
    largest = max((value for _, value in items), default=0) or 1
    return [
        Bar(str(label), value, round(float(value) / float(largest) * 100, 2))
        for label, value in items
    ]


# The column chart's box (templates/outcomes/_time_chart.html draws it): 100 wide and 58
# tall, the columns' baseline at y = 50, the years under it at y = 56 in a type 3.6 high.
# 480 px wide on a wide screen, as narrow as a phone's on a phone: the years stay readable
# and clear of the columns (a type 16 high, the default, covered them).
BASE = 50


@dataclass(frozen=True)
class Column:
    year: int
    value: Decimal
    won: Decimal
    x: float  # left edge of the pair, in a 0-100 wide box whose baseline is at y = BASE
    width: float  # of each of the two columns
    y: float
    won_y: float

    @property
    def height(self):
        return round(BASE - self.y, 2)

    @property
    def won_x(self):
        return round(self.x + self.width, 2)

    @property
    def won_height(self):
        return round(BASE - self.won_y, 2)

    @property
    def middle(self):
        """Where the year's label is centred: under the pair."""
        return round(self.x + self.width, 2)


def columns(series):
    """[(year, value, won)] -> pairs of columns (identified, won) across a 0-100 box."""
    largest = max((value for _, value, _ in series), default=0) or 1
    step = 100 / max(len(series), 1)
    width = round(step * 0.35, 2)
    return [
        Column(
            year,
            value,
            won,
            round(index * step + step * 0.15, 2),
            width,
            round(BASE - float(value) / float(largest) * BASE, 2),
            round(BASE - float(won) / float(largest) * BASE, 2),
        )
        for index, (year, value, won) in enumerate(series)
    ]
