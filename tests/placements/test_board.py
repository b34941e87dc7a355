"""The board laid out as numbers: lanes per desk, bars on the first free lane, today."""

import datetime

from django.urls import reverse

from placements import board

START = datetime.date(2027, 3, 1)
END = datetime.date(2027, 5, 29)
LABELS = {"scheduled": "Scheduled", "in-residence": "In residence", "cut-short": "Cut short"}


def row(pk, first, last, *, until=None, host=1, status="scheduled", company=None):
    return {
        "pk": pk,
        "host_id": host,
        "host__name": "Berlin Hub",
        "company__name": company or f"Firm {pk}",
        "desk": "",
        "starts_on": first,
        "ends_on": last,
        "desk_until": last if until is None else until,
        "status": status,
    }


def lay_out(rows, *, desks=2, today=datetime.date(2027, 3, 11), waiting=()):
    """One host offering the intake all its desks, no other intake's firm at it."""
    return board.lay_out(
        [
            {
                "host_id": 1,
                "host__name": "Berlin Hub",
                "desks": desks,
                "host__desk_capacity": desks,
                "taken_at_host": 0,
            }
        ],
        rows,
        window_start=START,
        window_end=END,
        today=today,
        status_labels=LABELS,
        waiting=set(waiting),
    )


def test_each_placement_takes_the_first_desk_free_for_its_days():
    rows = [
        row(1, START, datetime.date(2027, 3, 31)),
        row(2, datetime.date(2027, 3, 10), datetime.date(2027, 4, 10)),
        row(3, datetime.date(2027, 4, 1), datetime.date(2027, 4, 30)),
    ]
    (host,), ticks, today_x, width = lay_out(rows)

    assert [[bar["pk"] for bar in lane["bars"]] for lane in host["lanes"]] == [[1, 3], [2]]
    assert [lane["over"] for lane in host["lanes"]] == [False, False]
    first, third = host["lanes"][0]["bars"]
    assert (first["x"], first["y"], first["width"]) == (0, 22, 31 * 6)
    assert (third["x"], third["width"]) == (31 * 6, 30 * 6)
    assert host["lanes"][1]["bars"][0]["y"] == 22 + 30
    assert (host["taken_today"], host["free_today"]) == (2, 0)
    assert width == 90 * 6
    assert today_x == 10 * 6 + 3
    assert [(tick["day"], tick["x"]) for tick in ticks] == [
        (START, 0),
        (datetime.date(2027, 4, 1), 31 * 6),
        (datetime.date(2027, 5, 1), 61 * 6),
    ]


def test_a_stay_cut_short_frees_its_desk_from_the_next_day():
    rows = [
        row(
            1,
            START,
            datetime.date(2027, 4, 30),
            until=datetime.date(2027, 3, 20),
            status="cut-short",
        ),
        row(2, datetime.date(2027, 3, 21), datetime.date(2027, 4, 20)),
    ]
    (host,), *_rest = lay_out(rows, desks=1)

    assert [[bar["pk"] for bar in lane["bars"]] for lane in host["lanes"]] == [[1, 2]]
    assert host["lanes"][0]["bars"][0]["width"] == 20 * 6
    assert host["lanes"][0]["bars"][0]["ends_on"] == datetime.date(2027, 3, 20)


def test_a_cancelled_placement_is_not_drawn_and_free_desks_stay_empty_lanes():
    rows = [row(1, START, datetime.date(2027, 3, 31), until=None, status="scheduled")]
    rows[0]["desk_until"] = None  # cancelled
    (host,), *_rest = lay_out(rows, desks=3)

    assert [lane["bars"] for lane in host["lanes"]] == [[], [], []]
    assert (host["taken_today"], host["free_today"]) == (0, 3)
    assert host["height"] == 22 + 3 * 30


def test_more_firms_than_desks_get_a_lane_marked_over():
    rows = [row(1, START, END), row(2, START, END)]
    (host,), *_rest = lay_out(rows, desks=1)

    assert [lane["over"] for lane in host["lanes"]] == [False, True]
    assert host["free_today"] == 0


def test_bars_outside_the_window_are_clipped_to_it_and_today_outside_is_not_marked():
    rows = [row(1, datetime.date(2027, 2, 20), datetime.date(2027, 3, 5))]
    (host,), _ticks, today_x, _width = lay_out(rows, today=datetime.date(2027, 6, 1))

    bar = host["lanes"][0]["bars"][0]
    assert (bar["x"], bar["width"]) == (0, 5 * 6)
    assert today_x is None


def test_each_bar_carries_its_link_and_what_it_says_and_each_tick_its_month():
    rows = [row(7, START, datetime.date(2027, 3, 31), company="Maple Analytics")]
    rows[0]["desk"] = "A1"
    (host,), ticks, _today_x, _width = lay_out(rows)

    (bar,) = host["bars"]
    assert bar["url"] == reverse("placements:detail", args=[7])
    assert bar["summary"] == "Maple Analytics · 1 March 2027 – 31 March 2027 · Scheduled · A1"
    assert [(tick["label"], tick["label_x"]) for tick in ticks] == [
        ("March 2027", 3),
        ("April 2027", 31 * 6 + 3),
        ("May 2027", 61 * 6 + 3),
    ]


def test_a_stay_with_a_change_waiting_says_so_and_the_host_says_its_desks():
    rows = [
        row(7, START, datetime.date(2027, 3, 31), company="Maple Analytics"),
        row(8, START, END),
    ]
    (host,), *_rest = lay_out(rows, desks=3, waiting={7})

    first, second = host["bars"]
    assert (first["pending"], second["pending"]) == (True, False)
    assert first["summary"] == (
        "Maple Analytics · 1 March 2027 – 31 March 2027 · Scheduled · "
        "a change waits for your answer"
    )
    assert host["desks_said"] == "3 desks, 1 free today"
    assert host["chart_label"] == "Desks of Berlin Hub over the placement window"
    (one,), *_rest = lay_out([], desks=1)
    assert one["desks_said"] == "1 desk, 1 free today"
