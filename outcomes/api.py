"""Program managers' endpoints: outcome reports and opportunities of the intakes they
manage (read), and the program's figures with the figures page's breakdowns.

The querysets are the pages' (reports of the intakes the person manages, every one for the
director), narrowed by the token's scope; the figures are outcomes.figures over the intakes
the person manages within the token's scope, so the numbers are the page's.
"""

import django_filters
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from outcomes import figures, publishing, queries
from outcomes.enums import Basis, Dimension, ReportKind, ReportStatus, Stage
from outcomes.models import Opportunity, OutcomeReport
from portal.api.authentication import token_of
from portal.api.filters import IdFilter
from portal.api.permissions import Public
from portal.api.viewsets import VisibleViewSet
from portal.tokens import scoped
from programs.enums import SectorCode
from programs.queries import intakes_managed_by

VIEW = "outcomes.view_outcomereport"


def managed_intakes(request):
    """The intakes the person manages now, within the token's scope."""
    return scoped(
        intakes_managed_by(request.user), token_of(request), program="program", intake="pk"
    )


def visible_reports(request):
    return queries.reports_visible_to(request.user).filter(
        placement__intake__in=managed_intakes(request)
    )


def visible_opportunities(request):
    return Opportunity.objects.filter(
        placement__intake__in=managed_intakes(request)
    ).select_related("company", "placement__intake", "placement__host")


class ReportSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="placement.company.name")
    host = serializers.IntegerField(source="placement.host_id")
    host_name = serializers.CharField(source="placement.host.name")
    intake = serializers.IntegerField(source="placement.intake_id")
    intake_title = serializers.CharField(source="placement.intake.title")
    investment = serializers.DecimalField(
        max_digits=16, decimal_places=2, source="investment.amount", allow_null=True, default=None
    )
    investment_currency = serializers.CharField(allow_null=True, default=None)

    class Meta:
        model = OutcomeReport
        fields = [
            "id",
            "placement",
            "company",
            "host",
            "host_name",
            "intake",
            "intake_title",
            "kind",
            "due_on",
            "status",
            "submitted_at",
            "verified_at",
            "employees_home",
            "employees_abroad",
            "investment",
            "investment_currency",
        ]


class ReportFilter(django_filters.FilterSet):
    intake = IdFilter(field_name="placement__intake")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)

    class Meta:
        model = OutcomeReport
        fields = ["intake", "status", "kind"]


class ReportViewSet(VisibleViewSet):
    """Outcome reports of the placements of the intakes you manage, the soonest due first."""

    queryset = OutcomeReport.objects.none()  # the schema's model; each request's is below
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    visible = staticmethod(visible_reports)
    view_permission = VIEW
    ordering = ("due_on", "pk")


class OpportunitySerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name")
    host = serializers.IntegerField(source="placement.host_id")
    host_name = serializers.CharField(source="placement.host.name")
    intake = serializers.IntegerField(source="placement.intake_id")
    intake_title = serializers.CharField(source="placement.intake.title")
    value = serializers.DecimalField(max_digits=16, decimal_places=2, source="value.amount")
    currency = serializers.CharField(source="value_currency")

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "placement",
            "company",
            "host",
            "host_name",
            "intake",
            "intake_title",
            "organisation",
            "kind",
            "value",
            "currency",
            "value_converted",
            "value_unverified",
            "stage",
            "identified_on",
            "expected_on",
            "closed_on",
            "attribution",
        ]


class OpportunityFilter(django_filters.FilterSet):
    intake = IdFilter(field_name="placement__intake")
    stage = django_filters.ChoiceFilter(choices=Stage.choices)

    class Meta:
        model = Opportunity
        fields = ["intake", "stage"]


class OpportunityViewSet(VisibleViewSet):
    """Opportunities the firms placed in the intakes you manage have recorded, the most
    recently identified first."""

    queryset = Opportunity.objects.none()  # the schema's model; each request's is below
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter

    # The pages have no view rule of their own for an opportunity: visible is enough.
    visible = staticmethod(visible_opportunities)
    ordering = ("-identified_on", "pk")


# A sum of values or costs: each record holds 16 digits (models.MONEY), an intake's kept sum
# 18 (models.KEPT), and a program's sum adds up intakes, so no limit on its digits (a limit
# it exceeds is a server error, not a refusal).
def sum_field(**options):
    return serializers.DecimalField(max_digits=None, decimal_places=2, **options)


class FiguresValuesSerializer(serializers.Serializer):
    companies = serializers.IntegerField()
    markets = serializers.IntegerField()
    opportunities = serializers.IntegerField()
    value_identified = sum_field()
    deals_won = serializers.IntegerField()
    value_won = sum_field()
    jobs = serializers.IntegerField()
    investment = sum_field()
    cost = sum_field()
    # A value over a small cost has more digits still.
    roi = serializers.DecimalField(max_digits=None, decimal_places=1, allow_null=True)


class FiguresRowSerializer(serializers.Serializer):
    group = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    figures = FiguresValuesSerializer()


class LeftOutSerializer(serializers.Serializer):
    amount = sum_field(source="amount.amount")
    currency = serializers.CharField(source="amount.currency")
    payments = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=Basis.choices)
    by = serializers.ChoiceField(choices=Dimension.choices, allow_null=True)
    verified = FiguresValuesSerializer()
    reported = FiguresValuesSerializer()
    rows = FiguresRowSerializer(many=True)
    cost_left_out = LeftOutSerializer(
        many=True,
        help_text="Payments the program cost, and so the ROI, leaves out because no exchange "
        "rate is recorded for the day they were paid: per currency, their sum and number.",
    )


class FiguresQuery(serializers.Serializer):
    """The figures page's filters."""

    by = serializers.ChoiceField(choices=Dimension.choices, required=False)
    basis = serializers.ChoiceField(choices=Basis.choices, required=False)
    intake = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    market = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)
    sector = serializers.ChoiceField(choices=SectorCode.choices, required=False)
    host = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=9999, required=False)


class FiguresView(APIView):
    """The program's figures over the intakes you manage, as the figures page shows them:
    the headline figures on verified and on reported values, and with ``by`` one row per
    intake, market, sector, host or year the stay ended, on the chosen ``basis``. Not
    paginated. A 404 for a person who manages no intake."""

    @extend_schema(
        parameters=[FiguresQuery],
        responses=FiguresSerializer,
        operation_id="figures_retrieve",
    )
    def get(self, request):
        intakes = managed_intakes(request)
        if not intakes.exists():
            raise Http404
        query = FiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        scope = figures.Scope(
            intakes,
            intake=values.get("intake"),
            market=values.get("market", "").upper(),
            sector=values.get("sector", ""),
            host=values.get("host"),
            year=values.get("year"),
        )
        basis = values.get("basis") or Basis.VERIFIED
        by = values.get("by") or None
        body = {
            "basis": basis,
            "by": by,
            "verified": figures.headline(scope, Basis.VERIFIED),
            "reported": figures.headline(scope, Basis.REPORTED),
            "rows": figures.breakdown(scope, by, basis) if by else [],
            "cost_left_out": figures.payments_left_out(scope),
        }
        return Response(FiguresSerializer(body).data)


class PublicValuesSerializer(serializers.Serializer):
    companies = serializers.IntegerField()
    opportunities = serializers.IntegerField()
    value_identified = sum_field()


class PublicRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    hidden = serializers.BooleanField(help_text="A small group, suppressed: no figures given.")
    figures = serializers.SerializerMethodField()

    @extend_schema_field(PublicValuesSerializer(allow_null=True))
    def get_figures(self, row):
        return None if row.hidden else PublicValuesSerializer(row.figures).data


class PublicResultsSerializer(serializers.Serializer):
    intake = serializers.IntegerField(allow_null=True)
    by = serializers.ChoiceField(choices=[(value, value) for value in publishing.PUBLIC_DIMENSIONS])
    headline = FiguresValuesSerializer()
    rows = PublicRowSerializer(many=True)
    withheld = serializers.BooleanField(help_text="The whole breakdown is withheld.")
    cost_incomplete = serializers.BooleanField(
        help_text="The program cost, and so the ROI, leaves out payments for which no "
        "exchange rate is recorded for the day they were paid."
    )


class PublicResultsQuery(serializers.Serializer):
    intake = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    by = serializers.ChoiceField(
        choices=[(value, value) for value in publishing.PUBLIC_DIMENSIONS], required=False
    )


class PublicResultsView(APIView):
    """The published results, as the public results page shows them: the verified headline
    figures of every published intake (or of one, ``intake``), and one breakdown (``by``
    market, sector or year) in which a group of fewer than 5 firms is hidden, and so is the
    next smallest group wherever subtraction from the total would reveal it. No token needed."""

    permission_classes = [Public]

    @extend_schema(
        parameters=[PublicResultsQuery],
        responses=PublicResultsSerializer,
        operation_id="results_retrieve",
    )
    def get(self, request):
        query = PublicResultsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        intake = None
        if "intake" in values:
            intake = publishing.published_intakes().filter(pk=values["intake"]).first()
            if intake is None:
                raise Http404
        by = values.get("by") or publishing.PUBLIC_DIMENSIONS[0]
        found = publishing.public_results(intake, by)
        body = {
            "intake": intake.pk if intake else None,
            "by": by,
            "headline": found["headline"],
            "rows": found["breakdown"].rows,
            "withheld": found["breakdown"].withheld,
            "cost_incomplete": found["cost_incomplete"],
        }
        return Response(PublicResultsSerializer(body).data)


def register(router):
    router.register("outcome-reports", ReportViewSet, basename="outcome-report")
    router.register("opportunities", OpportunityViewSet, basename="opportunity")


# One object, not a list: a path of its own beside the router's (portal/api/urls.py).
paths = [
    path("figures/", FiguresView.as_view(), name="figures"),
    path("results/", PublicResultsView.as_view(), name="results"),
]
