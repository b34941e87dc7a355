"""Program managers' endpoints: the applications of the intakes they manage (every intake
for the director), with their scores and statuses. Read only.

The queryset is the manager's list page's (the applications of their intakes), narrowed by
the token's scope; one application goes through portal.access.require with the page's
permission, so one not theirs is a 404.
"""

import django_filters
from django.db.models import F
from rest_framework import serializers, viewsets

from applications.access import applications_for
from applications.enums import ApplicationStatus
from applications.models import Application
from portal.access import require
from portal.api.authentication import token_of
from portal.api.filters import IdFilter
from portal.api.permissions import object_id
from portal.tokens import scoped
from programs.queries import intakes_managed_by

# What covers an application in a manager's token scope: its program or its intake.
SCOPE_PATHS = {"program": "intake__program", "intake": "intake"}


def visible_applications(request):
    """The applications of the intakes the person manages now, within the token's scope."""
    applications = Application.objects.filter(
        intake__in=intakes_managed_by(request.user)
    ).select_related("company", "intake")
    applications = applications.annotate(
        reviews_in=F("score_summary__reviews_in"),
        raw_mean=F("score_summary__raw_mean"),
        calibrated_mean=F("score_summary__calibrated_mean"),
        spread=F("score_summary__spread"),
    )
    return scoped(applications, token_of(request), **SCOPE_PATHS)


class ApplicationSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name")
    intake_title = serializers.CharField(source="intake.title")
    reviews_in = serializers.IntegerField(allow_null=True)
    raw_mean = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    calibrated_mean = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    spread = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "company",
            "intake",
            "intake_title",
            "status",
            "submitted_at",
            "proposed_start",
            "proposed_end",
            "rank_score",
            "reviews_in",
            "raw_mean",
            "calibrated_mean",
            "spread",
        ]


class ApplicationFilter(django_filters.FilterSet):
    intake = IdFilter(field_name="intake")
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)

    class Meta:
        model = Application
        fields = ["intake", "status"]


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications of the intakes you manage, best rank score first, with their review
    scores (the mean of the raw and of the calibrated scores, the spread between reviewers)
    and their statuses."""

    queryset = Application.objects.none()  # the schema's model; each request's is below
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter

    def get_queryset(self):
        return visible_applications(self.request).order_by(
            F("rank_score").desc(nulls_last=True), "pk"
        )

    def get_object(self):
        return require(
            self.request.user,
            "applications.read_application",
            applications_for(self.request.user, visible_applications(self.request)),
            pk=object_id(self.kwargs["pk"]),
        )


def register(router):
    router.register("applications", ApplicationViewSet, basename="application")
