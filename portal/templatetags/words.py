"""Punctuation and numbers that differ between languages.

French sets a no-break space before a colon and a percent sign (and a narrow one before
; ! ?); English sets none. The spacing lives in the catalogue with the rest of the words,
so a template writes ``{% translate "Minimum employees" %}{% colon %} 5`` or
``{{ share|percent }}`` and each language prints its own.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon():
    """The colon between a label and its value, with the language's spacing before it."""
    return pgettext("between a label and its value", ":")


@register.filter
def percent(value, digits="-1"):
    """A number as a percentage in the active language: "12.5%" in English, "12,5 %" in
    French. ``digits`` is floatformat's argument; nothing when there is no number."""
    if value is None or value == "":
        return ""
    return pgettext("a percentage", "%(number)s%%") % {"number": floatformat(value, digits)}
