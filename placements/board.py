"""The manager's placements board laid out as numbers: per host, one lane per desk over the
intake's placement window, each placement a bar on the first lane free for its days.

Plain arithmetic on the rows ``queries.board_placements`` reads; the template draws the SVG
from these numbers (positions are SVG attributes, so the CSP needs no inline style). What
each bar says (its link, its dates and status in words) is written here once, so the
template's loops only print strings: a round has 150 bars, each drawn and listed."""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import date_format

from portal.dates import day_writer, span

DAY_WIDTH = 6  # SVG units (pixels) per day
LANE_HEIGHT = 26
LANE_GAP = 4
AXIS_HEIGHT = 22


@dataclass
class Bar:
    pk: int
    company: str
    desk: str
    status: str
    status_label: str
    starts_on: datetime.date
    ends_on: datetime.date  # the last day the desk is held
    x: int = 0
    y: int = 0
    width: int = 0
    url: str = ""
    summary: str = ""  # firm, dates, status and desk: the bar's tooltip and its list item


@dataclass
class Lane:
    y: int
    over: bool  # more firms than desks: a lane the host does not have
    bars: list = field(default_factory=list)
    last_day: datetime.date | None = None


@dataclass
class HostBoard:
    host_id: int
    name: str
    desks: int
    lanes: list
    taken_today: int
    width: int
    height: int
    bars: list  # every bar, lane by lane

    @property
    def free_today(self):
        return max(self.desks - self.taken_today, 0)


@dataclass
class Tick:
    day: datetime.date
    x: int
    label: str = ""  # the month, as the date filter writes "M Y"
    label_x: int = 0


def _x(window_start, day):
    return (day - window_start).days * DAY_WIDTH


def lay_out(hosts, placements, *, window_start, window_end, today, status_labels):
    """``hosts``: dicts of host_id, host__name, desks; ``placements``: dicts of
    queries.BOARD_COLUMNS. Returns (host boards, month ticks, today's x or None, width)."""
    write_day = day_writer()
    days = (window_end - window_start).days + 1
    width = days * DAY_WIDTH
    by_host = {}
    for row in placements:
        if row["desk_until"] is None:  # cancelled: holds no desk
            continue
        by_host.setdefault(row["host_id"], []).append(row)
    boards = []
    for host in hosts:
        lanes = [
            Lane(y=AXIS_HEIGHT + index * (LANE_HEIGHT + LANE_GAP), over=False)
            for index in range(host["desks"])
        ]
        taken_today = 0
        for row in sorted(
            by_host.get(host["host_id"], []), key=lambda r: (r["starts_on"], r["pk"])
        ):
            first, last = row["starts_on"], row["desk_until"]
            if first <= today <= last:
                taken_today += 1
            lane = next(
                (lane for lane in lanes if lane.last_day is None or lane.last_day < first), None
            )
            if lane is None:
                lane = Lane(y=AXIS_HEIGHT + len(lanes) * (LANE_HEIGHT + LANE_GAP), over=True)
                lanes.append(lane)
            lane.last_day = last
            shown_first, shown_last = max(first, window_start), min(last, window_end)
            said = [row["company__name"], span(write_day, first, last),
                    status_labels[row["status"]]]  # fmt: skip
            if row["desk"]:
                said.append(row["desk"])
            lane.bars.append(
                Bar(
                    pk=row["pk"],
                    company=row["company__name"],
                    desk=row["desk"],
                    status=row["status"],
                    status_label=status_labels[row["status"]],
                    starts_on=first,
                    ends_on=last,
                    x=_x(window_start, shown_first),
                    y=lane.y,
                    width=max(((shown_last - shown_first).days + 1) * DAY_WIDTH, DAY_WIDTH),
                    url=reverse("placements:detail", args=[row["pk"]]),
                    summary=" · ".join(said),
                )
            )
        height = AXIS_HEIGHT + max(len(lanes), 1) * (LANE_HEIGHT + LANE_GAP)
        boards.append(
            HostBoard(
                host_id=host["host_id"],
                name=host["host__name"],
                desks=host["desks"],
                lanes=lanes,
                taken_today=taken_today,
                width=width,
                height=height,
                bars=[bar for lane in lanes for bar in lane.bars],
            )
        )
    ticks = []
    day = window_start
    while day <= window_end:
        # The 1st of each month, and the window's first day unless a 1st follows too closely
        # for both labels to fit.
        if day.day == 1 or (day == window_start and day.day < 20):
            x = _x(window_start, day)
            ticks.append(Tick(day=day, x=x, label=date_format(day, "M Y"), label_x=x + 3))
        day += datetime.timedelta(days=1)
    today_x = (
        _x(window_start, today) + DAY_WIDTH // 2 if window_start <= today <= window_end else None
    )
    return boards, ticks, today_x, width
