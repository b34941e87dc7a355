"""A filter form as plain data, so its template is one loop of strings.

Django renders each <option> of a select through a template of its own; on a list page
that costs more than the rows. Filters are GET forms whose bad values are just ignored,
so they need no error display, only names, labels, options and what is selected. The
options are joined into markup here: a template loop over sixty options costs about as
much as the rest of the filter bar.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeData, mark_safe


@dataclass(frozen=True)
class FilterField:
    name: str
    id: str
    label: str
    value: str
    options: str  # the select's <option> markup; empty for a text box


def filter_fields(form):
    fields = []
    for bound in form:
        current = bound.value()
        current = "" if current is None else str(current)
        choices = getattr(bound.field, "choices", None)
        options = _options(choices, current) if choices is not None else ""
        fields.append(
            FilterField(bound.html_name, bound.id_for_label, bound.label, current, options)
        )
    return fields


def _options(choices, current):
    # Plain escaping and string joining, as portal/rows.py does for table rows.
    options = []
    for value, text in choices:
        value = "" if value is None else str(value)
        selected = " selected" if value == current else ""
        options.append(f'<option value="{_escape(value)}"{selected}>{_escape(text)}</option>')
    return mark_safe("".join(options))  # noqa: S308


def _escape(value):
    return value if isinstance(value, SafeData) else escape(str(value))
