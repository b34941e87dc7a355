"""A filter form as plain data, so its template is one loop of strings.

Django renders each <option> of a select through a template of its own; on a list page
that costs more than the rows. Filters are GET forms whose bad values are just ignored,
so they need no error display, only names, labels, options and what is selected.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FilterField:
    name: str
    id: str
    label: str
    value: str
    options: list  # (value, text, selected); empty for a text box


def filter_fields(form):
    fields = []
    for bound in form:
        current = bound.value()
        current = "" if current is None else str(current)
        choices = getattr(bound.field, "choices", None)
        options = []
        if choices is not None:
            for value, text in choices:
                value = "" if value is None else str(value)
                options.append((value, text, value == current))
        fields.append(
            FilterField(bound.html_name, bound.id_for_label, bound.label, current, options)
        )
    return fields
