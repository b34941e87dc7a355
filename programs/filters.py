import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.enums import SectorCode
from programs.models import ForeignMarket, HostIncubator


def markets_with_hosts(request):
    return ForeignMarket.objects.filter(hosts__isnull=False).distinct().order_by("country")


class HostDirectoryFilter(django_filters.FilterSet):
    """The public host directory's filters: by market and by sector served."""

    market = django_filters.ModelChoiceFilter(
        label=_("Market"),
        field_name="market",
        queryset=markets_with_hosts,
        to_field_name="country",
        empty_label=_("All markets"),
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

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value))
