import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from placements import queries
from placements.enums import Attention, PlacementStatus

WAITING = "waiting"


class PlacementFilter(django_filters.FilterSet):
    """The manager's filters on a program's accepted offers and their placements."""

    intake = django_filters.ChoiceFilter(label=_("Intake"), empty_label=_("All intakes"))
    host = django_filters.ChoiceFilter(label=_("Host"), empty_label=_("All hosts"))
    market = django_filters.ChoiceFilter(
        label=_("Market"), field_name="host__market__country", empty_label=_("All markets")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(WAITING, Attention.WAITING.label), *PlacementStatus.choices],
        empty_label=_("All statuses"),
        method="by_status",
    )
    attention = django_filters.ChoiceFilter(
        label=_("Needs attention"),
        choices=Attention.choices,
        empty_label=_("Any"),
        method="by_attention",
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        intakes, hosts, markets = options
        self.filters["intake"].extra["choices"] = intakes
        self.filters["host"].extra["choices"] = hosts
        self.filters["market"].extra["choices"] = markets

    def by_status(self, queryset, name, value):
        if value == WAITING:
            return queryset.filter(placement__isnull=True)
        return queryset.filter(placement__status=value)

    def by_attention(self, queryset, name, value):
        if value == Attention.WAITING:
            return queryset.filter(placement__isnull=True)
        if value == Attention.CHECK_IN_OVERDUE:
            return queryset.filter(queries.check_in_overdue(prefix="placement__"))
        if value == Attention.CONCERN:
            return queryset.filter(Q(queries.concern_logged()))
        return queryset.filter(queries.ending_this_week())
