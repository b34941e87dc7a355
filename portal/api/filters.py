import django_filters
from django import forms


class IdFilter(django_filters.Filter):
    """An object's id in a filter: a whole number, compared as it is, without loading the
    object (so a filter tells nothing about objects the person cannot see)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
