"""Program managers: every accepted offer of a program with its placement, filtered, as a
page or a CSV file."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries

from placements import queries
from placements.enums import Attention, PlacementStatus
from placements.filters import PlacementFilter
from portal.dates import day_writer, span
from portal.decorators import only_reads
from portal.downloads import csv_download
from portal.filterbar import filter_fields
from portal.paging import PAGE_SIZE, Counted
from portal.rows import labels
from programs.models import DeskOffer
from programs.queries import intakes_managed_by


@only_reads
@login_required
def program_list(request, program_pk):
    user = request.user
    # The program's intakes this person manages, with the program's name: one query.
    intakes = list(
        intakes_managed_by(user)
        .filter(program=program_pk)
        .order_by("-opens_at")
        .values_list("pk", "title", "program__name")
    )
    if not intakes:  # no such program, or manages none of its intakes: not this person's list
        raise Http404
    program = {"pk": program_pk, "name": intakes[0][2]}
    intake_ids = [pk for pk, _title, _name in intakes]
    desk_offers = (
        DeskOffer.objects.filter(intake__in=intake_ids)
        .order_by("host__name")
        .values_list("host_id", "host__name", "host__market__country")
    )
    hosts, markets = {}, set()
    for host_id, name, country in desk_offers:
        hosts[host_id] = name
        markets.add(country)
    options = (
        [(str(pk), title) for pk, title, _name in intakes],
        [(str(pk), name) for pk, name in hosts.items()],
        sorted(((code, countries.name(code)) for code in markets), key=lambda pair: pair[1]),
    )
    filters = PlacementFilter(
        request.GET, queryset=queries.program_placements(intake_ids), options=options
    )
    valid = filters.is_valid()
    listed = filters.qs if valid else filters.queryset.none()
    if request.GET.get("format") == "csv":
        return _csv(program, listed)
    # The total counts the offers alone (the filters' joins), and the page is chosen from the
    # offers and their placements alone (a subquery with its LIMIT); only its rows are joined
    # to the firms, hosts and markets they show.
    ids = Counted(listed.values("pk"), listed.count())
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = queries.program_placement_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/manager/list.html",
        {
            "program": program,
            "filter_fields": filter_fields(filters.form),
            "page": page,
            "query": query.urlencode(),
            "rows": _rows(list(shown), {pk: title for pk, title, _name in intakes}),
        },
    )


def _rows(values, intake_titles):
    statuses = labels(PlacementStatus)
    waiting = str(Attention.WAITING.label)
    write_day = day_writer()
    rows = []
    for value in values:
        placement = value["placement__pk"]
        rows.append(
            {
                "url": reverse("placements:detail", args=[placement])
                if placement
                else reverse("placements:confirm", args=[value["pk"]]),
                "company": value["application__company__name"],
                "country": value["application__company__country"],
                "host": value["host__name"],
                "market": value["host__market__country"],
                "intake": intake_titles[value["intake_id"]],
                "status": statuses[value["placement__status"]] if placement else waiting,
                "waiting": not placement,
                "desk": value["placement__desk"] or "—",
                "dates": span(
                    write_day, value["placement__starts_on"], value["placement__ends_on"]
                ),
                "concern": value["concern"],
            }
        )
    return rows


def _csv(program, offers):
    header = [_("Company"), _("Country code"), _("Host"), _("Market code"), _("Intake"),
              _("Status"), _("Status code"), _("Desk"), _("Start"), _("End"), _("Arrival"),
              _("Departure"), _("Concern logged")]  # fmt: skip
    statuses = {value: str(label) for value, label in PlacementStatus.choices}
    waiting = str(Attention.WAITING.label)

    def rows():
        for offer in queries.for_export(offers).iterator(chunk_size=500):
            placement = getattr(offer, "placement", None)
            yield [
                offer.application.company.name,
                offer.application.company.country.code,
                offer.host.name,
                offer.host.market.country.code,
                offer.intake.title,
                statuses[placement.status] if placement else waiting,
                placement.status if placement else "waiting",
                placement.desk if placement else "",
                placement.starts_on if placement else "",
                placement.ends_on if placement else "",
                placement.arrived_on if placement else "",
                placement.departed_on if placement else "",
                _("yes") if offer.concern else _("no"),
            ]

    return csv_download(f"program-{program['pk']}-placements.csv", header, rows())
