import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs import queries
from programs.enums import SectorCode
from programs.models import HostIncubator


class HostDirectoryFilter(django_filters.FilterSet):
    """The public host directory's filters: by market and by sector served."""

    market = django_filters.ChoiceFilter(
        label=_("Market"), field_name="market__country", empty_label=_("All markets")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"),
        field_name="sectors__code",
        choices=SectorCode.choices,
        empty_label=_("All sectors"),
    )
    q = django_filters.CharFilter(
        label=_("Name or city"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    class Meta:
        model = HostIncubator
        fields = ["market", "sector", "q"]

    def __init__(self, *args, markets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["market"].extra["choices"] = (
            queries.markets_with_hosts() if markets is None else markets
        )

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value))
