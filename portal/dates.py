"""Moments as people read them: the one date-time format of their language, and the time
zone named whenever it may not be the reader's own (an intake's zone, the portal's)."""

import datetime
import zoneinfo

from django.utils import dateformat, formats, timezone


def zone_name(local):
    """The zone's abbreviation (IST, CET, EDT), or its name where it has none (+04)."""
    abbreviation = local.tzname() or ""
    if abbreviation[:1] in ("+", "-") or not abbreviation:
        return str(local.tzinfo).replace("_", " ")
    return abbreviation


def moment_text(value, zone=None):
    """``value`` in ``zone`` (a name, an intake's time_zone say; the current zone if None),
    formatted as DATETIME_FORMAT followed by the zone: "10 February 2031, 17:00 IST"."""
    if value is None:
        return ""
    return moment_writer(zone)(value)


def moment_writer(zone=None):
    """A function writing moments as moment_text does, for one page of rows: the zone and
    the language's format are read once, not once per row."""
    tz = zoneinfo.ZoneInfo(zone) if zone else timezone.get_current_timezone()
    pattern = formats.get_format("DATETIME_FORMAT")

    def write(value):
        local = value.astimezone(tz)
        return f"{dateformat.format(local, pattern)} {zone_name(local)}"

    return write


def span(write_day, first, last):
    """From ``first`` to ``last`` as a list's cell says it ("—" when either is unknown),
    each day written by ``write_day`` (day_writer's)."""
    return f"{write_day(first)} – {write_day(last)}" if first and last else "—"


def day_writer():
    """A function writing days as the ``date`` filter does (the language's DATE_FORMAT; an
    empty day as ""), for one page of rows: each distinct day is formatted once, since a
    page's rows share few days and formatting one costs far more than looking it up."""
    written = {None: ""}

    def write(day):
        text = written.get(day)
        if text is None:
            text = written[day] = formats.date_format(day)
        return text

    return write


def days_text(days):
    """Days as people read them: runs of consecutive days as "from – to", in date order
    ("1 March 2027 – 2 March 2027, 6 March 2027")."""
    runs = []
    for day in sorted(days):
        if runs and runs[-1][1] + datetime.timedelta(days=1) == day:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    write = day_writer()
    return ", ".join(
        write(first) if first == last else span(write, first, last) for first, last in runs
    )
