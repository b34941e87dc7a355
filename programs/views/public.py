"""Pages anyone can read without logging in."""

import datetime
import zoneinfo

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django_countries import countries
from djmoney.money import Money

from portal.dates import moment_text
from portal.filterbar import filter_state, filtered
from portal.prepared import prepared
from portal.rows import labels, render_rows
from programs import charts, eligibility, queries
from programs.enums import Direction, HostService, SectorCode
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


ROW_INTAKE = "programs/public/_intake_list.row.html"


@require_GET
def intake_list(request):
    now = timezone.now()
    intakes = queries.public_intakes(now)
    open_intakes = [intake for intake in intakes if intake["opens_at"] <= now]
    upcoming_intakes = [intake for intake in intakes if intake["opens_at"] > now]
    cards = _intake_cards(intakes, now)
    return render(
        request,
        "programs/public/intake_list.html",
        {
            "open_intakes": open_intakes,
            "upcoming_intakes": upcoming_intakes,
            "open_html": render_rows(ROW_INTAKE, [cards[i["pk"]] for i in open_intakes]),
            "upcoming_html": render_rows(ROW_INTAKE, [cards[i["pk"]] for i in upcoming_intakes]),
        },
    )


def _intake_cards(intakes, now):
    """{pk: the intake's card} (INTAKE_CARD_COLUMNS), formatted once: the template only
    prints them."""
    ids = [intake["pk"] for intake in intakes]
    hosts, sectors = queries.intake_hosts(ids), queries.intake_sectors(ids)
    # Labels translated once for the page, not once a card.
    card_labels = {
        "deadline_label": _("Deadline"),
        "stipend_label": _("Stipend"),
        "stay_label": _("Stay"),
        "hosts_label": _("Hosts:"),
    }
    opens_label, sectors_label, to_be_announced = _("Opens"), _("Sectors:"), _("to be announced")
    directions = labels(Direction)
    sector_labels = labels(SectorCode)
    country = _country_names()
    # Cards link to "<detail_url><pk>/": one reverse() for the page.
    detail_url = reverse("programs:intake_detail", args=[0])[:-2]
    cards = {}
    for intake in intakes:
        pk, zone, days = intake["pk"], intake["time_zone"], intake["max_stay_days"]
        offered = ", ".join(f"{name} ({country(code)})" for name, code in hosts.get(pk, []))
        focus = ", ".join(sector_labels.get(code, code) for code in sectors.get(pk, []))
        cap = Money(intake["stipend_cap"], intake["stipend_cap_currency"])
        cards[pk] = {
            **card_labels,
            "url": f"{detail_url}{pk}/",
            "title": intake["title"],
            "program": intake["program__name"],
            "direction": directions.get(intake["direction"], intake["direction"]),
            "opens": format_html(
                "<div><dt>{}</dt><dd>{}</dd></div>",
                opens_label,
                _deadline_html(intake["opens_at"], zone),
            )
            if intake["opens_at"] > now
            else "",
            "deadline": _deadline_html(intake["closes_at"], zone),
            "stipend": _("up to %(cap)s") % {"cap": cap},
            "stay": ngettext("up to %(days)s day", "up to %(days)s days", days) % {"days": days},
            "summary": format_html("<p>{}</p>", truncatewords(intake["summary"], 35))
            if intake["summary"]
            else "",
            "hosts": offered or to_be_announced,
            "sectors": format_html('<p class="muted">{} {}</p>', sectors_label, focus)
            if focus
            else "",
        }
    return cards


def _deadline_html(moment, zone):
    """A moment as _deadline.html shows it (in the intake's time zone ``zone``), from
    Python: for cards and rows filled by portal/rows.py."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    row = {
        "iso": local.isoformat(),
        "text": moment_text(moment, zone),
        "utc_iso": moment.astimezone(datetime.UTC).isoformat(),
        "your_time": _("your time:"),
    }
    return render_rows("programs/public/_deadline.row.html", [row])


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


@prepared
def _directory(*, query):
    """The directory's hosts for one set of filters, compiled once for each
    (portal/prepared.py)."""
    return filtered(HostDirectoryFilter, query, queryset=queries.host_directory()).distinct()


@require_GET
def host_list(request):
    markets = tuple(queries.markets_with_hosts())

    def bound_filters():
        return HostDirectoryFilter(request.GET, queryset=queries.host_directory(), markets=markets)

    state = filter_state(HostDirectoryFilter, request.GET, options=markets, build=bound_filters)
    hosts = []
    if state.valid:
        hosts = _directory.pages(columns=queries.HOST_CARD_COLUMNS, query=state.query)
    page = Paginator(hosts, 24).get_page(request.GET.get("page"))
    cards = _host_cards(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/public/host_list.html",
        {
            "filter_fields": state.fields,
            "page": page,
            "rows_html": render_rows("programs/public/_host_list.row.html", cards),
            "has_rows": bool(cards),
            "query": query.urlencode(),
        },
    )


def _host_cards(hosts):
    """The page's host cards (HOST_CARD_COLUMNS), formatted once: the template only prints
    them."""
    sectors = queries.host_sectors([host["pk"] for host in hosts])
    sector_labels = labels(SectorCode)
    service_labels = labels(HostService)
    country = _country_names()
    # Cards link to "<detail_url><pk>/": one reverse() for the page.
    detail_url = reverse("programs:host_detail", args=[0])[:-2]
    cards = []
    for host in hosts:
        desks = host["desk_capacity"]
        served = ", ".join(
            sector_labels.get(sector, sector) for sector in sectors.get(host["pk"], [])
        )
        services = " · ".join(
            service_labels[code] for code in host["services"] if code in service_labels
        )
        cards.append(
            {
                "url": f"{detail_url}{host['pk']}/",
                "name": host["name"],
                "city": host["city"],
                "country": country(host["market__country"]),
                "desks": ngettext("%(counter)s desk", "%(counter)s desks", desks)
                % {"counter": desks},
                "sectors": format_html("<p>{}</p>", served) if served else "",
                "services": format_html('<p class="muted">{}</p>', services) if services else "",
            }
        )
    return cards


def _country_names():
    """A country's name by its code, looked up once a page (django-countries translates the
    name on each call)."""
    names = {}

    def name(code):
        if code not in names:
            names[code] = countries.name(code)
        return names[code]

    return name


@require_GET
def host_detail(request, pk):
    host = get_object_or_404(queries.public_host(), pk=pk)
    return render(request, "programs/public/host_detail.html", {"host": host})
