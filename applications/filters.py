import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.constants import EMPTY_VALUES

from applications import queries
from applications.eligibility import eligible_q
from applications.enums import ApplicationStatus, ReviewAttention
from applications.models import Application, FilterCount, HostPreference
from programs.enums import SectorCode


class ApplicationFilter(django_filters.FilterSet):
    """The manager's filters on an intake's applications."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ApplicationStatus.choices, empty_label=_("All statuses")
    )
    # Plain choices (code or id, name) read by one query in __init__: a model
    # choice field would run and build its queryset again for each option list.
    # "Ranked a host there": EXISTS over the preferences, not a join that repeats an
    # application once per host and needs DISTINCT over the intake.
    market = django_filters.ChoiceFilter(
        label=_("Market"), empty_label=_("All markets"), method="by_market"
    )
    host = django_filters.ChoiceFilter(
        label=_("Host"), empty_label=_("All hosts"), method="by_host"
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"),
        field_name="company__sector__code",
        choices=SectorCode.choices,
        empty_label=_("All sectors"),
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("Eligibility"),
        choices=[("eligible", _("Meets every rule")), ("not-eligible", _("Misses a rule"))],
        empty_label=_("Any"),
        method="by_eligibility",
    )
    q = django_filters.CharFilter(
        label=_("Company"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("company__name", "company"),
            ("submitted_at", "submitted"),
            ("status", "status"),
            ("updated_at", "updated"),
        ],
        # Both directions named (django-filter's "(descending)" is formatted once, in
        # English, when the class is built), in the words a sort option needs.
        field_labels={
            "company__name": pgettext_lazy("sort", "Company, A to Z"),
            "-company": pgettext_lazy("sort", "Company, Z to A"),
            "submitted_at": pgettext_lazy("sort", "Submitted, oldest first"),
            "-submitted": pgettext_lazy("sort", "Submitted, newest first"),
            # By the status's name (read through the list's index), not the process's order.
            "status": pgettext_lazy("sort", "Status, A to Z"),
            "-status": pgettext_lazy("sort", "Status, Z to A"),
            "updated_at": pgettext_lazy("sort", "Last change, oldest first"),
            "-updated": pgettext_lazy("sort", "Last change, newest first"),
        },
    )

    class Meta:
        model = Application
        fields = ["status", "market", "host", "sector", "eligibility", "q"]

    def __init__(self, *args, intake, options=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.intake = intake
        markets, hosts = options or self.options(intake)
        self.filters["market"].extra["choices"] = markets
        self.filters["host"].extra["choices"] = hosts

    @staticmethod
    def options(intake):
        """The market and host choices, as plain values."""
        return queries.filter_choices(intake.pk)

    def search(self, queryset, name, value):
        return queryset.filter(Q(company__name__icontains=value))

    def by_market(self, queryset, name, value):
        ranked = HostPreference.objects.filter(
            application=OuterRef("pk"), host__market__country=value
        )
        return queryset.filter(Exists(ranked))

    def by_host(self, queryset, name, value):
        return queryset.filter(
            Exists(HostPreference.objects.filter(application=OuterRef("pk"), host=value))
        )

    # The filters whose counts are kept (FilterCount), by field.
    KEPT = {"sector": FilterCount.SECTOR, "market": FilterCount.MARKET, "host": FilterCount.HOST}

    def kept_total(self):
        """How many applications the valid filters select, from the kept counts, when they
        tell (a status and at most one of sector, market and host), or None."""
        cleaned = self.form.cleaned_data
        if cleaned.get("eligibility") or cleaned.get("q"):
            return None
        chosen = [
            (facet, cleaned[field]) for field, facet in self.KEPT.items() if cleaned.get(field)
        ]
        if len(chosen) > 1:
            return None
        facet, value = chosen[0] if chosen else (None, None)
        statuses = [cleaned["status"]] if cleaned.get("status") else None
        return queries.list_total(self.intake, statuses=statuses, facet=facet, value=value)

    def by_eligibility(self, queryset, name, value):
        condition = eligible_q(self.intake)
        if not condition:  # no rules: everyone is eligible
            return queryset if value == "eligible" else queryset.none()
        return queryset.filter(condition) if value == "eligible" else queryset.exclude(condition)


REVIEW_STATUSES = [
    (status.value, status.label)
    for status in ApplicationStatus
    if status not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
]


class NullsLastOrdering(django_filters.OrderingFilter):
    """Ordering in which rows without a value (no score yet) come last either way, and
    ties fall back to the application's id, so a page is stable and an index on the
    sorted column and the id can give it (reviewed_applications)."""

    def __init__(self, *args, ties=None, **kwargs):
        # {field: the column an index of that field orders its ties by}, put before the id:
        # SQLite then reads the page from that index instead of sorting every tie.
        self.ties = ties or {}
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        field = F(value.lstrip("-"))
        return field.desc(nulls_last=True) if value.startswith("-") else field.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(p) for p in value]
        ties = [self.ties[o.expression.name] for o in ordering if o.expression.name in self.ties]
        return qs.order_by(*ordering, *ties, "pk")


class ReviewFilter(django_filters.FilterSet):
    """The review dashboard's filters, over reviewed_applications() annotations."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=REVIEW_STATUSES, empty_label=_("All statuses")
    )
    attention = django_filters.ChoiceFilter(
        label=_("Needs attention"),
        choices=ReviewAttention.choices,
        empty_label=_("Any"),
        method="by_attention",
    )
    q = django_filters.CharFilter(
        label=_("Company"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    order = NullsLastOrdering(
        label=_("Sort by"),
        fields=[
            ("rank_score", "score"),
            ("raw_score", "raw"),
            ("calibrated_score", "calibrated"),
            ("spread", "spread"),
            ("company__name", "company"),
        ],
        # The scores' index on (intake, spread, application) gives the page sorted by
        # disagreement, ties included.
        ties={"spread": "score_summary__application_id"},
        field_labels={
            "rank_score": pgettext_lazy("sort", "Score, lowest first"),
            "-score": pgettext_lazy("sort", "Score, highest first"),
            "raw_score": pgettext_lazy("sort", "Raw score, lowest first"),
            "-raw": pgettext_lazy("sort", "Raw score, highest first"),
            "calibrated_score": pgettext_lazy("sort", "Calibrated score, lowest first"),
            "-calibrated": pgettext_lazy("sort", "Calibrated score, highest first"),
            "spread": pgettext_lazy("sort", "Disagreement, least first"),
            "-spread": pgettext_lazy("sort", "Disagreement, most first"),
            "company__name": pgettext_lazy("sort", "Company, A to Z"),
            "-company": pgettext_lazy("sort", "Company, Z to A"),
        },
    )

    class Meta:
        model = Application
        fields = ["status", "attention", "q"]

    def __init__(self, *args, intake, **kwargs):
        super().__init__(*args, **kwargs)
        self.intake = intake

    def search(self, queryset, name, value):
        return queryset.filter(company__name__icontains=value)

    def by_attention(self, queryset, name, value):
        if value == ReviewAttention.DISAGREEMENT:
            # The score's intake named too (it is the application's): the scores' index on
            # (intake, spread) then gives the rows sorted by disagreement.
            return queryset.filter(
                spread__gte=self.intake.disagreement_points, score_summary__intake=self.intake.pk
            )
        if value == ReviewAttention.UNSCORED:
            return queryset.filter(reviews_in__isnull=True)
        return queryset.filter(Exists(queries.not_a_fit()))
