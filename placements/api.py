"""Host partners' endpoints: their placements (read), the stay's log (arrival, check-ins,
introductions, services, mentors, concerns, departure) and their desk invoices (read,
confirm).

Every object is loaded from the same visibility queryset as the pages, narrowed by the
token's scope, through portal.access.require with the same permission names; every write
calls the same service as the page's form. The API adds no second path to change data.
"""

import django_filters
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from placements import desk_invoices, ledger, queries, services
from placements.enums import (
    LOGGABLE_KINDS,
    AwardStatus,
    ClaimStatus,
    DeskInvoiceStatus,
    EntryKind,
    PlacementStatus,
    TrancheStatus,
)
from placements.models import (
    DeskInvoice,
    ExpenseClaim,
    LogEntry,
    Placement,
    StipendAward,
    Tranche,
)
from portal.access import require
from portal.api.authentication import token_of
from portal.api.filters import IdFilter
from portal.api.permissions import object_id
from portal.api.viewsets import VisibleViewSet
from portal.tokens import scoped
from programs.queries import intakes_managed_by

# What covers a placement or an invoice in a token's scope: its host (a partner's token),
# its program or its intake (a manager's).
SCOPE_PATHS = {"host": "host", "program": "intake__program", "intake": "intake"}


def visible_placements(request):
    return scoped(queries.placements_visible_to(request.user), token_of(request), **SCOPE_PATHS)


def visible_desk_invoices(request):
    return scoped(queries.desk_invoices_visible_to(request.user), token_of(request), **SCOPE_PATHS)


class PlacementSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name")
    company_country = CountryField(source="company.country")
    host_name = serializers.CharField(source="host.name")
    intake_title = serializers.CharField(source="intake.title")

    class Meta:
        model = Placement
        fields = [
            "id",
            "company",
            "company_country",
            "host",
            "host_name",
            "intake",
            "intake_title",
            "desk",
            "starts_on",
            "ends_on",
            "arrived_on",
            "departed_on",
            "status",
        ]


class PlacementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlacementStatus.choices)
    host = IdFilter(field_name="host")
    intake = IdFilter(field_name="intake")

    class Meta:
        model = Placement
        fields = ["status", "host", "intake"]


class StayDateSerializer(serializers.Serializer):
    on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EntrySerializer(serializers.ModelSerializer):
    """A log entry, as read and as written. The kinds written here are those the page's
    form offers; the service keeps only the fields of the kind and checks the rest."""

    kind = serializers.ChoiceField(choices=[(kind.value, kind.label) for kind in EntryKind])
    country = CountryField(required=False, allow_blank=True, default="")

    class Meta:
        model = LogEntry
        fields = [
            "id",
            "kind",
            "on",
            "note",
            "staff_only",
            "organisation",
            "country",
            "introduction_kind",
            "hoped_outcome",
            "service",
            "provided_by",
            "hours",
            "mentor",
            "expertise",
            "languages",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"note": {"max_length": 5000}, "hoped_outcome": {"max_length": 5000}}


class NewEntrySerializer(EntrySerializer):
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in EntryKind if kind in LOGGABLE_KINDS]
    )


class PlacementViewSet(viewsets.ReadOnlyModelViewSet):
    """Placements at your hosts (and, for a program's managers, of their intakes), narrowed
    by the token's scope."""

    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter

    def get_queryset(self):
        return visible_placements(self.request).order_by("starts_on", "pk")

    def _placement(self, act):
        return require(
            self.request.user,
            "placements.view_placement",
            visible_placements(self.request),
            act=act,
            pk=object_id(self.kwargs["pk"]),
        )

    def get_object(self):
        return self._placement(None)

    def _record(self, write):
        placement = self._placement("placements.record_placement")
        data = StayDateSerializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        placement = write(placement, by=self.request.user, **data.validated_data)
        return Response(PlacementSerializer(placement).data)

    @extend_schema(request=StayDateSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def arrival(self, request, pk=None):
        """The firm arrived: the placement becomes in residence (as the page's form)."""
        return self._record(services.log_arrival)

    @extend_schema(request=StayDateSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def departure(self, request, pk=None):
        """The firm left at the end of its stay: completed (as the page's form)."""
        return self._record(services.log_departure)

    @extend_schema(methods=["get"], responses=EntrySerializer(many=True))
    @extend_schema(methods=["post"], request=NewEntrySerializer, responses={201: EntrySerializer})
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def entries(self, request, pk=None):
        """The stay's log, oldest first (GET); log a check-in, an introduction, a service, a
        mentor or a concern (POST), as the page's form does."""
        if request.method == "GET":
            placement = self._placement(None)
            page = self.paginate_queryset(queries.entries_for(placement, request.user))
            return self.get_paginated_response(EntrySerializer(page, many=True).data)
        placement = self._placement("placements.log_placement")
        data = NewEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        entry = services.add_log_entry(
            placement,
            by=request.user,
            kind=fields.pop("kind"),
            on=fields.pop("on"),
            note=fields.pop("note", ""),
            staff_only=fields.pop("staff_only", False),
            **fields,
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class DeskInvoiceSerializer(serializers.ModelSerializer):
    host_name = serializers.CharField(source="host.name")
    intake_title = serializers.CharField(source="intake.title")
    company = serializers.CharField(source="placement.company.name", default=None, allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, source="total.amount")
    currency = serializers.CharField(source="total_currency")

    class Meta:
        model = DeskInvoice
        fields = [
            "id",
            "host",
            "host_name",
            "intake",
            "intake_title",
            "placement",
            "company",
            "period_start",
            "period_end",
            "days",
            "total",
            "currency",
            "status",
            "paid_on",
            "payment_reference",
        ]


class DeskInvoiceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeskInvoiceStatus.choices)
    host = IdFilter(field_name="host")
    intake = IdFilter(field_name="intake")

    class Meta:
        model = DeskInvoice
        fields = ["status", "host", "intake"]


class DeskInvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Desk invoices sent to your hosts (and, for managers, of their intakes)."""

    serializer_class = DeskInvoiceSerializer
    filterset_class = DeskInvoiceFilter

    def get_queryset(self):
        return visible_desk_invoices(self.request).order_by("-period_start", "host__name", "pk")

    def _invoice(self, act):
        return require(
            self.request.user,
            "placements.view_deskinvoice",
            visible_desk_invoices(self.request),
            act=act,
            pk=object_id(self.kwargs["pk"]),
        )

    def get_object(self):
        return self._invoice(None)

    @extend_schema(request=None, responses=DeskInvoiceSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The host's partner confirms the desk-days and the amount (as the page's button)."""
        invoice = self._invoice("placements.confirm_deskinvoice")
        invoice = desk_invoices.confirm_desk_invoice(invoice, by=request.user)
        return Response(DeskInvoiceSerializer(invoice).data)


# --- Stipends: the managers' read endpoints ---------------------------------------------
# The ledger pages' querysets (a firm's own awards, and those of the intakes a person
# manages), kept to the intakes the person manages now: these endpoints are the program's
# tools', not the firm's. A host's partner sees no money.

MONEY_SCOPE = {"program": "intake__program", "intake": "intake"}


def _managed(queryset, request, prefix=""):
    if not request.user.is_authenticated:
        return queryset.none()
    paths = {kind: prefix + path for kind, path in MONEY_SCOPE.items()}
    queryset = queryset.filter(**{f"{prefix}intake__in": intakes_managed_by(request.user)})
    return scoped(queryset, token_of(request), **paths)


def visible_awards(request):
    return _managed(ledger.awards_visible_to(request.user), request)


def visible_tranches(request):
    return _managed(ledger.tranches_visible_to(request.user), request, "award__")


def visible_claims(request):
    return _managed(ledger.claims_visible_to(request.user), request, "award__")


def money_field(source, **kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, source=source, **kwargs)


class AwardSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name")
    host = serializers.IntegerField(source="placement.host_id")
    host_name = serializers.CharField(source="placement.host.name")
    intake_title = serializers.CharField(source="intake.title")
    amount = money_field("amount.amount")
    currency = serializers.CharField(source="amount_currency")
    approved_total = money_field("approved_total.amount")

    class Meta:
        model = StipendAward
        fields = [
            "id",
            "placement",
            "company",
            "host",
            "host_name",
            "intake",
            "intake_title",
            "amount",
            "currency",
            "approved_total",
            "status",
            "created_at",
        ]


class AwardFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AwardStatus.choices)
    intake = IdFilter(field_name="intake")

    class Meta:
        model = StipendAward
        fields = ["status", "intake"]


class TrancheSerializer(serializers.ModelSerializer):
    # Its name in the request's language (Accept-Language); the portal's own names are kept
    # as codes, ``label_code`` ("advance", "balance"; empty for a name a manager typed), which
    # a client matches on.
    label = serializers.CharField(source="name", read_only=True)
    company = serializers.CharField(source="award.company.name")
    intake = serializers.IntegerField(source="award.intake_id")
    amount = money_field("amount.amount")
    currency = serializers.CharField(source="amount_currency")

    class Meta:
        model = Tranche
        fields = [
            "id",
            "award",
            "company",
            "intake",
            "position",
            "label",
            "label_code",
            "amount",
            "currency",
            "condition",
            "status",
            "due_since",
            "paid_on",
            "reference",
        ]


class TrancheFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TrancheStatus.choices)
    intake = IdFilter(field_name="award__intake")
    award = IdFilter(field_name="award")

    class Meta:
        model = Tranche
        fields = ["status", "intake", "award"]


class ClaimSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="award.company.name")
    intake = serializers.IntegerField(source="award.intake_id")
    total = money_field("total.amount")
    approved_total = money_field("approved_total.amount")
    currency = serializers.CharField(source="total_currency")

    class Meta:
        model = ExpenseClaim
        fields = [
            "id",
            "award",
            "company",
            "intake",
            "status",
            "total",
            "approved_total",
            "currency",
            "submitted_at",
            "paid_on",
            "reference",
        ]


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices)
    intake = IdFilter(field_name="award__intake")
    award = IdFilter(field_name="award")

    class Meta:
        model = ExpenseClaim
        fields = ["status", "intake", "award"]


class AwardViewSet(VisibleViewSet):
    """Stipend awards of the intakes you manage."""

    queryset = StipendAward.objects.none()  # the schema's model; each request's is below
    serializer_class = AwardSerializer
    filterset_class = AwardFilter

    visible = staticmethod(visible_awards)
    view_permission = "placements.view_stipendaward"
    ordering = ("company__name", "pk")


class TrancheViewSet(VisibleViewSet):
    """The awards' tranches (the stipend's payments) of the intakes you manage: waiting, due,
    approved, paid (date and reference) or failed."""

    queryset = Tranche.objects.none()  # the schema's model; each request's is below
    serializer_class = TrancheSerializer
    filterset_class = TrancheFilter

    visible = staticmethod(visible_tranches)
    view_permission = "placements.view_tranche"
    ordering = ("award_id", "position", "pk")


class ClaimViewSet(VisibleViewSet):
    """Expense claims against the awards of the intakes you manage, with their totals in the
    program's currency and their payment."""

    queryset = ExpenseClaim.objects.none()  # the schema's model; each request's is below
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter

    visible = staticmethod(visible_claims)
    view_permission = "placements.view_expenseclaim"
    ordering = ("-created_at", "pk")


def register(router):
    router.register("placements", PlacementViewSet, basename="placement")
    router.register("desk-invoices", DeskInvoiceViewSet, basename="desk-invoice")
    router.register("stipend-awards", AwardViewSet, basename="stipend-award")
    router.register("tranches", TrancheViewSet, basename="tranche")
    router.register("expense-claims", ClaimViewSet, basename="expense-claim")
