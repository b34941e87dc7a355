"""Values for the cells of long lists, prepared once per page by the view.

A list page's cost is its rows: the view reads the page with ``values()`` (dicts, not model
instances), looks labels up in a ``{value: label}`` mapping read once per page, and writes
numbers and dates once; the template's ``{% for %}`` loop then only prints strings (Django
escapes each one).
"""

from django.utils import formats


def labels(choices):
    """{value: label} of a choices enum in the current language: translated once per page,
    not once per cell as get_FOO_display does."""
    return {value: str(label) for value, label in choices.choices}


def number_format(decimals):
    """A function that writes a number with ``decimals`` places in the current language
    ("3,000.00" in English, "3 000,00" in French): the separators are read once per page,
    not once per cell as Django's own number_format does."""
    table = str.maketrans(
        {
            ",": formats.get_format("THOUSAND_SEPARATOR"),
            ".": formats.get_format("DECIMAL_SEPARATOR"),
        }
    )
    spec = f",.{decimals}f"
    return lambda value: format(value, spec).translate(table)
