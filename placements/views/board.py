"""The manager's placements board: per host, the desks over the intake's placement window,
firms as bars, free desks and today visible; and the same rows as a CSV file."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from placements import board, queries
from placements.enums import PlacementStatus
from portal.access import require
from portal.decorators import only_reads
from portal.downloads import csv_download
from portal.rows import labels
from programs.queries import intakes_managed_by


def _intake(request, intake_pk):
    user = request.user
    return require(
        user,
        "placements.view_board",
        intakes_managed_by(user).select_related("program"),
        pk=intake_pk,
    )


@only_reads
@login_required
def placement_board(request, intake_pk):
    intake = _intake(request, intake_pk)
    today = timezone.localdate()
    # An intake offers desks at a few hosts: they are read whole (with the desks taken at
    # each today) and paged here; the page's placements are read for its hosts only.
    every_host = list(queries.board_hosts(intake, today))
    hosts = Paginator(every_host, board.HOSTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(hosts.object_list)
    changes = board.with_pages(list(queries.board_changes(intake)), every_host)
    boards, ticks, today_x, width = board.lay_out(
        shown,
        list(queries.board_rows(intake, [host["host_id"] for host in shown])),
        window_start=intake.placement_starts_on,
        window_end=intake.placement_ends_on,
        today=today,
        status_labels=labels(PlacementStatus),
        waiting={change["placement_id"] for change in changes},
    )
    return render(
        request,
        "placements/board/board.html",
        {
            "intake": intake,
            "boards": boards,
            "pending": changes,
            "hosts": hosts,
            "ticks": ticks,
            "today": today,
            "today_x": today_x,
            "width": width,
            "lane_height": board.LANE_HEIGHT,
            "axis_height": board.AXIS_HEIGHT,
        },
    )


@login_required
def placement_board_csv(request, intake_pk):
    intake = _intake(request, intake_pk)
    statuses = labels(PlacementStatus)
    header = [_("Host"), _("Desk"), _("Company"), _("Start"), _("End"), _("Status"),
              _("Status code")]  # fmt: skip
    rows = (
        [row["host__name"], row["desk"], row["company__name"], row["starts_on"].isoformat(),
         (row["desk_until"] or row["ends_on"]).isoformat(), statuses[row["status"]],
         row["status"]]
        for row in queries.board_placements(intake).iterator(chunk_size=500)
    )  # fmt: skip
    return csv_download(f"intake-{intake.pk}-placement-board.csv", header, rows)
