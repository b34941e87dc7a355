"""A bound filter form as plain data, for the list pages' filter bar.

Filters are GET forms whose bad values are just ignored, so the bar needs no error
display, only names, labels, options and what is selected. A page builds its django-filter
FilterSet on each request and hands ``filter_fields(filters.form)`` to the ``filter_bar``
tag (portal/templatetags/lists.py), which escapes every value.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FilterField:
    name: str
    id: str
    label: str
    value: str
    options: tuple = ()  # (value, text, selected) of a select; empty for a text box


def filter_fields(form):
    fields = []
    for bound in form:
        current = bound.value()
        if isinstance(current, list | tuple):  # a sort's widget reads a comma-separated list
            current = ",".join(str(value) for value in current)
        current = "" if current is None else str(current)
        choices = getattr(bound.field, "choices", None)
        options = _options(choices, current) if choices is not None else ()
        fields.append(
            FilterField(bound.html_name, bound.id_for_label, bound.label, current, options)
        )
    return fields


def _options(choices, current):
    options = []
    for value, text in choices:
        value = "" if value is None else str(value)
        options.append((value, str(text), value == current))
    return tuple(options)
