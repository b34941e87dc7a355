"""Sums in the program's currency, as the portal writes money.

The figures are Decimals in the program's currency (summed in SQL); printed raw they read
"993874.00". Written as a Money they read "CA$993,874.00" in English and "993 874,00 $CA" in
French, as every amount a person typed does."""

from django import template
from django.conf import settings
from djmoney.money import Money

register = template.Library()


@register.filter
def money(value):
    """``value`` (a Decimal in the program's currency) as money; None stays None, for
    ``default_if_none``."""
    if value is None or value == "":
        return value
    return Money(value, settings.PORTAL_CURRENCY)
