"""The manager's placements board laid out as numbers: per host, one lane per desk over the
intake's placement window, each placement a bar on the first lane free for its days.

Plain arithmetic on the rows ``queries.board_rows`` reads for a page of hosts; the template
draws the SVG from these numbers (positions are SVG attributes, so the CSP needs no inline
style). What each bar says (its link, its dates and status in words) is written here once, so
the template's loops only print strings: a page of five hosts of five desks holds about 75
bars."""

import datetime

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.dates import day_writer, span

DAY_WIDTH = 6  # SVG units (pixels) per day
LANE_HEIGHT = 26
LANE_GAP = 4
AXIS_HEIGHT = 22
# Hosts on a page of the board: the page costs what its hosts' stays cost, not what the
# intake's do (ten hosts of five desks held 150 bars, 67 KB, in one page).
HOSTS_PER_PAGE = 5
# A month on the axis, abbreviated as each language does ("Sept. 2026", "sept. 2026", "août
# 2026"): "M" wrote the first three letters, "Sep", "Aoû", "Déc".
MONTH = "N Y"


# What lay_out returns: plain dicts, which the template reads by key on Django's first try
# (an object's attribute is its second, after a failed key lookup: about a fifth of the
# board's drawing time with 150 bars).
#   bar:  pk, company, desk, status, classes (its modifiers: status, pending), status_label,
#         starts_on, ends_on (the last day the desk is held), pending (a change request waits
#         for the manager), x, y, width, url, summary (firm, dates, status, desk and a waiting
#         change: the bar's link name)
#   lane: y, over (more firms than desks: a lane the host does not have), bars, last_day
#   host: host_id, name, desks, lanes, bars (every bar, lane by lane), taken_today (this
#         intake's), free_today (fewer when the host's other intakes fill its capacity),
#         width, height, desks_said ("3 desks, 1 free today"), chart_label
#   tick: day, x, label (the month, as the date filter writes MONTH), label_x


def _lane(index, *, over):
    return {"y": AXIS_HEIGHT + index * (LANE_HEIGHT + LANE_GAP), "over": over, "bars": [],
            "last_day": None}  # fmt: skip


def _x(window_start, day):
    return (day - window_start).days * DAY_WIDTH


def lay_out(hosts, placements, *, window_start, window_end, today, status_labels, waiting=()):
    """``hosts``: the rows of queries.board_hosts (host_id, host__name, desks offered to the
    intake, host__desk_capacity, taken_at_host: desks taken there today by every intake);
    ``placements``: the rows of queries.board_rows (BOARD_COLUMNS) for those hosts;
    ``waiting``: the pks of the placements with a change request waiting for the manager.
    Returns (host boards, month ticks, today's x or None, width)."""
    write_day = day_writer()
    waiting_said = _("a change waits for your answer")
    days = (window_end - window_start).days + 1
    width = days * DAY_WIDTH
    by_host = {}
    for row in placements:
        if row["desk_until"] is None:  # cancelled: holds no desk
            continue
        by_host.setdefault(row["host_id"], []).append(row)
    boards = []
    for host in hosts:
        lanes = [_lane(index, over=False) for index in range(host["desks"])]
        taken_today = 0
        for row in sorted(
            by_host.get(host["host_id"], []), key=lambda r: (r["starts_on"], r["pk"])
        ):
            first, last = row["starts_on"], row["desk_until"]
            if first <= today <= last:
                taken_today += 1
            lane = next(
                (lane for lane in lanes if lane["last_day"] is None or lane["last_day"] < first),
                None,
            )
            if lane is None:
                lane = _lane(len(lanes), over=True)
                lanes.append(lane)
            lane["last_day"] = last
            shown_first, shown_last = max(first, window_start), min(last, window_end)
            said = [row["company__name"], span(write_day, first, last),
                    status_labels[row["status"]]]  # fmt: skip
            if row["desk"]:
                said.append(row["desk"])
            pending = row["pk"] in waiting
            if pending:
                said.append(waiting_said)
            lane["bars"].append(
                {
                    "pk": row["pk"],
                    "company": row["company__name"],
                    "desk": row["desk"],
                    "status": row["status"],
                    # The bar's classes, its status's and whether a change waits, in one
                    # string: one variable for the template to print rather than a
                    # variable and a condition for each of 150 bars.
                    "classes": f"board__bar--{row['status']}"
                    + (" board__bar--pending" if pending else ""),
                    "status_label": status_labels[row["status"]],
                    "starts_on": first,
                    "ends_on": last,
                    "pending": pending,
                    "x": _x(window_start, shown_first),
                    "y": lane["y"],
                    "width": max(((shown_last - shown_first).days + 1) * DAY_WIDTH, DAY_WIDTH),
                    "url": reverse("placements:detail", args=[row["pk"]]),
                    "summary": " · ".join(said),
                }
            )
        # Free today for this intake: a desk it is offered and not taken, and one the host
        # has free across its intakes (as confirming a stay counts them).
        desks = host["desks"]
        free = max(
            min(
                desks - taken_today,
                host["host__desk_capacity"] - host["taken_at_host"],
            ),
            0,
        )
        boards.append(
            {
                "host_id": host["host_id"],
                "name": host["host__name"],
                "desks": desks,
                "lanes": lanes,
                "bars": [bar for lane in lanes for bar in lane["bars"]],
                "taken_today": taken_today,
                "free_today": free,
                "width": width,
                "height": AXIS_HEIGHT + max(len(lanes), 1) * (LANE_HEIGHT + LANE_GAP),
                # Written here rather than by {% blocktranslate %}, which costs twenty times
                # more (ten hosts: half a millisecond of the board).
                "desks_said": ngettext(
                    "%(desks)s desk, %(free)s free today",
                    "%(desks)s desks, %(free)s free today",
                    desks,
                )
                % {"desks": desks, "free": free},
                "chart_label": _("Desks of %(host)s over the placement window")
                % {"host": host["host__name"]},
            }
        )
    ticks = []
    day = window_start
    while day <= window_end:
        # The 1st of each month, and the window's first day unless a 1st follows too closely
        # for both labels to fit.
        if day.day == 1 or (day == window_start and day.day < 20):
            x = _x(window_start, day)
            ticks.append({"day": day, "x": x, "label": date_format(day, MONTH), "label_x": x + 3})
        day += datetime.timedelta(days=1)
    today_x = (
        _x(window_start, today) + DAY_WIDTH // 2 if window_start <= today <= window_end else None
    )
    return boards, ticks, today_x, width


def with_pages(changes, hosts):
    """The changes waiting (queries.board_changes), each with the board's page that draws its
    host (``page``; None for a host that no longer offers the intake desks), so the list,
    shown above every page, links to its bar. ``hosts``: every row of queries.board_hosts,
    in the board's order."""
    page_of = {host["host_id"]: index // HOSTS_PER_PAGE + 1 for index, host in enumerate(hosts)}
    return [change | {"page": page_of.get(change["host_id"])} for change in changes]
