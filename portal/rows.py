"""Table rows from one format string per table, for long lists.

A list page's cost is its rows: a Django template resolves, localises and escapes every
cell through several layers, about 40 microseconds a cell; at 50 rows of 12 cells that is
most of the page. Here a table's row markup is a ``str.format`` pattern kept next to the
page's template (``templates/<app>/.../_<name>.row.html``), filled with values the view
has already formatted as strings, each one escaped (unless marked safe). The page's
template prints the result once: ``{{ rows_html }}``.
"""

import functools
from html import escape
from pathlib import Path

from django.conf import settings
from django.utils import formats
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language


class _Escaped(dict):
    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        return value if isinstance(value, SafeData) else escape(str(value))


def _path(name):
    for directory in settings.TEMPLATES[0]["DIRS"]:
        path = Path(directory) / name
        if path.exists():
            return path
    raise FileNotFoundError(name)


@functools.cache
def _read(path, modified):
    # One line per row: the pattern's own line breaks are layout only.
    return "".join(line.strip() for line in path.read_text().splitlines())


@functools.cache
def _pattern(name):
    return _read(_path(name), None)


def render_rows(name, rows):
    """The rows, each filled into the pattern ``name``, as one safe string."""
    if settings.DEBUG:  # an edited pattern shows on the next request
        path = _path(name)
        pattern = _read(path, path.stat().st_mtime_ns)
    else:
        pattern = _pattern(name)
    return mark_safe("".join(pattern.format_map(_Escaped(row)) for row in rows))  # noqa: S308


def labels(choices):
    """{value: label} of a choices enum in the current language, for filling rows: translated
    once per process and language, not once per row or page."""
    return _labels(choices, get_language())


@functools.cache
def _labels(choices, language):
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
