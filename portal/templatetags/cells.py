"""Numbers in the cells of the staff lists, written the same way in every language."""

from django import template

register = template.Library()

NONE = "—"


@register.filter
def amount(value):
    """A money amount with thousands separators and two decimals (2,500.50), or a dash."""
    if value is None or value == "":
        return NONE
    return f"{value:,.2f}"


@register.filter
def score(value):
    """A score with one decimal (4.5), or a dash when there is none yet."""
    if value is None or value == "":
        return NONE
    return f"{value:.1f}"


@register.filter
def label(value, labels):
    """A choice's label from the ``{value: label}`` mapping a view passes (``dict(Enum.choices)``):
    one translation a cell, where get_FOO_display translates every choice of the field."""
    return labels.get(value, value)
