"""Public endpoints of the catalogue: open and upcoming intakes, hosts, markets with their
briefings and the service-import figures of their groups. Read by anyone, no token needed."""

import django_filters
from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from portal.api.permissions import Public
from programs import queries
from programs.enums import Direction, SectorCode
from programs.models import (
    DeskOffer,
    ForeignMarket,
    HostIncubator,
    Intake,
    MarketGroup,
    ServiceImportFigure,
)


class CodesField(serializers.ListField):
    """The codes of a prefetched many-to-many (sectors), read from the prefetch."""

    child = serializers.CharField()

    def to_representation(self, manager):
        return [item.code for item in manager.all()]


class DeskOfferSerializer(serializers.ModelSerializer):
    host = serializers.IntegerField(source="host_id")
    host_name = serializers.CharField(source="host.name")
    market = serializers.CharField(source="host.market.country.code")

    class Meta:
        model = DeskOffer
        fields = ["host", "host_name", "market", "desks"]


class IntakeSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.name")
    program_slug = serializers.CharField(source="program.slug")
    sectors = CodesField()
    desk_offers = DeskOfferSerializer(many=True)

    class Meta:
        model = Intake
        fields = [
            "id",
            "program",
            "program_slug",
            "title",
            "summary",
            "direction",
            "time_zone",
            "opens_at",
            "closes_at",
            "placement_starts_on",
            "placement_ends_on",
            "max_stay_days",
            "sectors",
            "desk_offers",
        ]


class IntakeFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__slug")
    direction = django_filters.ChoiceFilter(choices=Direction.choices)

    class Meta:
        model = Intake
        fields = ["program", "direction"]


class IntakeViewSet(viewsets.ReadOnlyModelViewSet):
    """Published intakes that are open now or still to open, the soonest deadline first."""

    permission_classes = [Public]
    serializer_class = IntakeSerializer
    filterset_class = IntakeFilter

    def get_queryset(self):
        return queries.public_intakes()


class HostSerializer(serializers.ModelSerializer):
    market = serializers.CharField(source="market.country.code")
    sectors = CodesField()

    class Meta:
        model = HostIncubator
        fields = [
            "id",
            "name",
            "city",
            "market",
            "website",
            "description",
            "sectors",
            "services",
            "desk_capacity",
        ]


class HostFilter(django_filters.FilterSet):
    market = django_filters.CharFilter(field_name="market__country", method="by_market")
    sector = django_filters.ChoiceFilter(field_name="sectors__code", choices=SectorCode.choices)
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = HostIncubator
        fields = ["market", "sector", "q"]

    def by_market(self, queryset, name, value):
        return queryset.filter(market__country=value.upper())

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value) | queryset.filter(city__icontains=value)


class HostViewSet(viewsets.ReadOnlyModelViewSet):
    """Host incubators with an active partnership, by market, city and name."""

    permission_classes = [Public]
    serializer_class = HostSerializer
    filterset_class = HostFilter

    def get_queryset(self):
        return queries.host_cards(queries.host_directory())


class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceImportFigure
        fields = [
            "category",
            "period",
            "growth_percent",
            "aggregate_import_value_usd",
            "incremental_share_value_usd",
            "growth_source",
            "share_source",
        ]


class GroupSerializer(serializers.ModelSerializer):
    import_figures = FigureSerializer(many=True)

    class Meta:
        model = MarketGroup
        fields = ["slug", "name", "import_figures"]


class MarketSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")
    name = serializers.CharField(source="country.name")
    groups = GroupSerializer(many=True)

    class Meta:
        model = ForeignMarket
        fields = [
            "country",
            "name",
            "currency",
            "languages",
            "time_zone",
            "summary",
            "regulation",
            "tax_and_residency",
            "intellectual_property",
            "language_and_culture",
            "contacts",
            "briefing_updated_at",
            "groups",
        ]


class MarketViewSet(viewsets.ReadOnlyModelViewSet):
    """Markets with their briefings, and the published service-import figures of each group
    they belong to (the seed's Tables 2 and 3, as published)."""

    permission_classes = [Public]
    serializer_class = MarketSerializer
    lookup_field = "country"
    lookup_value_regex = "[A-Za-z]{2}"

    def get_queryset(self):
        figures = ServiceImportFigure.objects.order_by("position", "pk")
        groups = MarketGroup.objects.order_by("name").prefetch_related(
            Prefetch("import_figures", queryset=figures)
        )
        return ForeignMarket.objects.order_by("country").prefetch_related(
            Prefetch("groups", queryset=groups)
        )

    def get_object(self):
        self.kwargs["country"] = self.kwargs["country"].upper()
        return super().get_object()


def register(router):
    router.register("intakes", IntakeViewSet, basename="intake")
    router.register("hosts", HostViewSet, basename="host")
    router.register("markets", MarketViewSet, basename="market")
