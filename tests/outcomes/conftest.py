"""A placement that ended today at a host in its intake, the firm's owner, the intake's
manager, the host's partner, and helpers for reports and rates."""

import datetime
from decimal import Decimal

import pytest

from outcomes import services
from placements import services as placements_services
from placements.models import ExchangeRate
from tests import factories
from tests.placements import conftest as placements_conftest
from tests.placements.conftest import accepted_offer, day, placed, running_intake

# The placements tests' fixtures, shared.
intake = placements_conftest.intake
host = placements_conftest.host
partner = placements_conftest.partner
manager = placements_conftest.manager
company = placements_conftest.company
owner = placements_conftest.owner
offer = placements_conftest.offer
__all__ = ["accepted_offer", "day", "placed", "running_intake"]


def ended_placement(offer, by, *, arrived=-10, departed=0, cut_short=False):
    placement = placed(offer, by)
    placements_services.log_arrival(placement, by=by, on=day(arrived))
    if cut_short:
        return placements_services.cut_short(placement, by=by, on=day(departed), reason="Ill")
    return placements_services.log_departure(placement, by=by, on=day(departed))


def rate(base, quote, on, value, source="Test bank"):
    return ExchangeRate.objects.create(
        base=base, quote=quote, on=on, rate=Decimal(value), source=source
    )


@pytest.fixture
def ended(offer, partner):
    return ended_placement(offer, partner)


@pytest.fixture
def reports(ended):
    return {report.kind: report for report in services.schedule_reports(ended)}


@pytest.fixture
def report(reports):
    return reports["end-of-stay"]


@pytest.fixture
def stranger(db):
    return factories.CompanyMemberFactory().user


@pytest.fixture
def euro(db):
    return rate("EUR", "CAD", day(-400), "1.5")


def a_while_ago(days):
    return datetime.date.today() - datetime.timedelta(days=days)
