"""Converting money between currencies at the rate in force on a day.

The rate in force on a day is the latest one recorded on or before it. It is read directly
(1 EUR = r CAD converts EUR to CAD), inversely (the same row converts CAD to EUR at 1/r), or
crossed through a third currency when one source gave both legs on the same day: the Bank of
Canada publishes every currency against CAD and the European Central Bank against EUR, so
INR -> EUR from the Bank of Canada is INR -> CAD -> EUR on one day's figures. A newer crossed
rate wins over an older direct one; on the same day the direct one wins.

Amounts stay Decimal with their currency and are rounded once, at the end, to the minor unit
of the currency converted to (2 places for CAD, 0 for JPY, 3 for BHD).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import moneyed
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from djmoney.money import Money

from placements import watchers
from placements.models import ExchangeRate

# The places a reported rate keeps (ExchangeRate.rate has as many): a stored rate reproduces
# the converted amount to well under a cent for any amount a claim or an invoice holds.
RATE_PLACES = Decimal("1e-10")


class NoRate(ValidationError):
    """No rate converts the currency on or before the day; the message names both."""


@dataclass(frozen=True)
class Conversion:
    amount: Money
    rate: Decimal  # one unit of the money's currency in the target currency
    rate_date: date
    source: str
    # The currency a crossed rate went through ("" for a direct or inverse one).
    via: str = ""


def minor_unit_places(currency):
    """2 for CAD, 0 for JPY, 3 for BHD: the decimal places of the currency's minor unit."""
    sub_unit = moneyed.get_currency(str(currency)).sub_unit
    return len(str(sub_unit)) - 1


def round_to_minor_unit(amount, currency):
    return Decimal(amount).quantize(
        Decimal(1).scaleb(-minor_unit_places(currency)), rounding=ROUND_HALF_UP
    )


def convert(money, currency, on):
    """``money`` in ``currency`` at the rate in force on ``on``: a Conversion, or NoRate."""
    source_currency, currency = str(money.currency), str(currency)
    amount = Decimal(money.amount)
    if source_currency == currency:
        rounded = Money(round_to_minor_unit(amount, currency), currency)
        return Conversion(rounded, Decimal(1), on, "")
    found = _direct(source_currency, currency, on)
    crossed = _crossed(source_currency, currency, on, after=found.on if found else None)
    if crossed is not None:
        first, second, via = crossed
        factor = _factor(first, source_currency) * _factor(second, via)
        return _conversion(amount, factor, currency, first, via=via)
    if found is not None:
        return _conversion(amount, _factor(found, source_currency), currency, found)
    raise NoRate(
        _("No exchange rate for %(currency)s on or before %(date)s")
        % {"currency": _missing(source_currency, currency, on), "date": date_format(on)}
    )


def _conversion(amount, factor, currency, row, *, via=""):
    return Conversion(
        amount=Money(round_to_minor_unit(amount * factor, currency), currency),
        rate=factor.quantize(RATE_PLACES, rounding=ROUND_HALF_UP),
        rate_date=row.on,
        source=row.source,
        via=via,
    )


def _factor(row, from_currency):
    """What one unit of ``from_currency`` is worth in the row's other currency."""
    return row.rate if row.base == from_currency else Decimal(1) / row.rate


def _involving(currency):
    return Q(base=currency) | Q(quote=currency)


def _direct(source_currency, currency, on):
    return (
        ExchangeRate.objects.filter(
            Q(base=source_currency, quote=currency) | Q(base=currency, quote=source_currency),
            on__lte=on,
        )
        .order_by("-on", "-pk")
        .first()
    )


def _crossed(source_currency, currency, on, *, after):
    """(leg from the money's currency, leg to the target, the currency between) of the latest
    day, later than ``after``, on which one source gave both legs; None when there is none."""
    legs = (
        ExchangeRate.objects.filter(_involving(source_currency), on__lte=on)
        .exclude(_involving(currency))
        .annotate(via=Case(When(base=source_currency, then=F("quote")), default=F("base")))
    )
    if after is not None:
        legs = legs.filter(on__gt=after)
    seconds = ExchangeRate.objects.filter(source=OuterRef("source"), on=OuterRef("on")).filter(
        Q(base=currency, quote=OuterRef("via")) | Q(base=OuterRef("via"), quote=currency)
    )
    first = legs.filter(Exists(seconds)).order_by("-on", "-pk").first()
    if first is None:
        return None
    second = (
        ExchangeRate.objects.filter(source=first.source, on=first.on)
        .filter(Q(base=currency, quote=first.via) | Q(base=first.via, quote=currency))
        .order_by("-pk")
        .first()
    )
    return first, second, first.via


def _missing(source_currency, currency, on):
    """The currency to name when nothing converts: the one with no rate at all by then."""
    known = ExchangeRate.objects.filter(on__lte=on)
    if not known.filter(_involving(source_currency)).exists():
        return source_currency
    if not known.filter(_involving(currency)).exists():
        return currency
    return _("%(currency)s to %(other)s") % {"currency": source_currency, "other": currency}


def record_rate(*, by, base, quote, on, rate, source=""):
    """A rate a person enters by hand, under the source they name ("entered by" them when
    they name none). A second rate from the same source for the same pair and day is
    refused: rates are never overwritten, a correction names its own source."""
    source = source.strip() or _("entered by %(name)s") % {"name": by.get_full_name()}
    try:
        with transaction.atomic():
            created = ExchangeRate.objects.create(
                base=base, quote=quote, on=on, rate=rate, source=source, entered_by=by
            )
            # Payments are converted at the rate of their day, whichever intake they are of.
            watchers.intakes_changed(None)
            return created
    except IntegrityError:
        raise ValidationError(
            _("%(source)s already gives a rate for %(base)s in %(quote)s on %(date)s.")
            % {"source": source, "base": base, "quote": quote, "date": date_format(on)},
            code="duplicate",
        ) from None
