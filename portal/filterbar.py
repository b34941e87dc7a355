"""A filter form as plain data, so its template is one loop of strings.

Django renders each <option> of a select through a template of its own; on a list page
that costs more than the rows. Filters are GET forms whose bad values are just ignored,
so they need no error display, only names, labels, options and what is selected. The
options are joined into markup here: a template loop over sixty options costs about as
much as the rest of the filter bar.

A list page asks the same few questions of its filters on every request: are these
values valid, what do they select, what does the bar show. The answers depend only on
the submitted values, the language and the options, and building a django-filter
FilterSet and its form to get them costs about 2 ms; ``filter_state`` keeps them per
process, so a page builds its FilterSet only for a combination it has not seen.
"""

from dataclasses import dataclass
from html import escape

from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

_MAX_STATES = 500  # values come from the address bar: start afresh past a few hundred


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
        if isinstance(current, list | tuple):  # a sort's widget reads a comma-separated list
            current = ",".join(str(value) for value in current)
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


@dataclass(frozen=True)
class FilterState:
    valid: bool
    cleaned: dict  # the form's cleaned_data when valid (do not change it)
    query: str  # the filters' own values, sorted and encoded: a key for compiled queries
    fields: tuple  # FilterFields for the bar


_states = {}


def filter_state(filterset_class, data, *, options=(), build):
    """The filters' state for the GET ``data``: cached by the filters' own values, the
    language and ``options`` (every option list read from the database, as plain
    values). ``build()`` returns the bound FilterSet; it is called on a miss only."""
    names = filterset_class.base_filters.keys()
    items = tuple(sorted((name, tuple(data.getlist(name))) for name in names if name in data))
    key = (filterset_class, get_language(), options, items)
    state = _states.get(key)
    if state is not None:
        return state
    filters = build()
    valid = filters.is_valid()
    state = FilterState(
        valid=valid,
        cleaned=filters.form.cleaned_data if valid else {},
        query=urlencode([(name, value) for name, values in items for value in values]),
        fields=tuple(filter_fields(filters.form)),
    )
    if len(_states) >= _MAX_STATES:
        _states.clear()
    _states[key] = state
    return state


def filtered(filterset_class, query, **kwargs):
    """What the FilterSet selects for a FilterState's ``query``: the queryset a page
    compiles once per set of filters (portal/prepared.py)."""
    filters = filterset_class(QueryDict(query), **kwargs)
    filters.is_valid()
    return filters.qs
