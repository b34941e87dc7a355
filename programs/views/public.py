"""Pages anyone can read without logging in."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.decorators import only_reads
from portal.filterbar import filter_fields
from programs import charts, eligibility, queries
from programs.filters import HostDirectoryFilter


def figure_charts(group):
    figures = list(group.import_figures.all())
    return {
        "figures": figures,
        "growth_bars": charts.bars(
            figures, label=lambda f: f.category, value=lambda f: f.growth_percent
        ),
        "share_bars": charts.bars(
            figures, label=lambda f: f.category, value=lambda f: f.incremental_share_value_usd
        ),
    }


@only_reads
@require_GET
def market_list(request):
    return render(
        request,
        "programs/public/market_list.html",
        {"markets": queries.public_markets(), "groups": queries.group_names()},
    )


@require_GET
def market_detail(request, country):
    market = get_object_or_404(queries.public_market(country))
    groups = [(group, figure_charts(group)) for group in market.groups.all()]
    return render(
        request, "programs/public/market_detail.html", {"market": market, "groups": groups}
    )


@require_GET
def group_detail(request, slug):
    group = get_object_or_404(queries.public_groups(), slug=slug)
    return render(
        request,
        "programs/public/group_detail.html",
        {"group": group, **figure_charts(group)},
    )


@only_reads
@require_GET
def intake_list(request):
    now = timezone.now()
    intakes = list(queries.public_intakes(now))
    return render(
        request,
        "programs/public/intake_list.html",
        {
            "open_intakes": [intake for intake in intakes if intake.opens_at <= now],
            "upcoming_intakes": [intake for intake in intakes if intake.opens_at > now],
        },
    )


@require_GET
def intake_detail(request, pk):
    intake = get_object_or_404(queries.public_intake(), pk=pk)
    return render(
        request,
        "programs/public/intake_detail.html",
        {
            "intake": intake,
            "rules": eligibility.rules_of(intake),
            "offers": list(intake.desk_offers.all()),
            "criteria": list(intake.criteria.all()),
        },
    )


@only_reads
@require_GET
def host_list(request):
    markets = queries.markets_with_hosts()
    filters = HostDirectoryFilter(request.GET, queryset=queries.host_directory(), markets=markets)
    hosts = queries.host_cards(filters.qs.distinct()) if filters.is_valid() else []
    page = Paginator(hosts, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/public/host_list.html",
        {
            "filter_fields": filter_fields(filters.form),
            "page": page,
            "query": query.urlencode(),
        },
    )


@require_GET
def host_detail(request, pk):
    host = get_object_or_404(queries.public_host(), pk=pk)
    return render(request, "programs/public/host_detail.html", {"host": host})
