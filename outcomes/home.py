"""The home page's panel of the program's own published figures (registered in apps.py)."""

from django.conf import settings
from djmoney.money import Money

from outcomes import figures, publishing
from outcomes.enums import Basis
from portal import home


def load():
    intakes = publishing.published_intakes()
    if not intakes.exists():
        return None
    scope = figures.Scope(intakes)
    headline = figures.headline(scope, Basis.VERIFIED)
    return {
        "headline": headline,
        "value_identified": Money(headline.value_identified, settings.PORTAL_CURRENCY),
        # As the results page says it (publishing.public_results): that, not how much.
        "cost_incomplete": bool(figures.payments_left_out(scope)),
    }


def register():
    home.register(home.Panel("published-results", "outcomes/_home_results.html", load, order=10))
