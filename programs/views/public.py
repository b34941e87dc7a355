"""Pages anyone can read without logging in."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from programs import charts, queries


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


@require_GET
def market_list(request):
    return render(
        request,
        "programs/public/market_list.html",
        {"markets": queries.public_markets(), "groups": queries.public_groups()},
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
