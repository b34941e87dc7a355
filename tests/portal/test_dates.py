"""One date and one date-time format per language, with the zone named."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from portal.dates import day_writer, moment_text, moment_writer, span

MOMENT = datetime.datetime(2031, 2, 10, 11, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "date", "moment"),
    [
        ("en", "10 February 2031", "10 February 2031, 17:00 IST"),
        ("fr", "10 février 2031", "10 février 2031, 17:00 IST"),
    ],
)
def test_one_format_per_language_with_the_zone(language, date, moment):
    with translation.override(language):
        assert formats.date_format(MOMENT.date()) == date
        assert formats.date_format(MOMENT.date(), "SHORT_DATE_FORMAT") == date
        assert moment_text(MOMENT, "Asia/Kolkata") == moment
        assert (
            Template("{% load dates %}{{ at|in_zone:zone }}").render(
                Context({"at": MOMENT, "zone": "Asia/Kolkata"})
            )
            == moment
        )


def test_a_zone_with_no_abbreviation_is_named():
    assert moment_text(MOMENT, "Asia/Dubai") == "10 February 2031, 15:30 Asia/Dubai"
    assert moment_text(MOMENT) == "10 February 2031, 06:30 EST"  # the portal's zone


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_page_of_rows_writes_moments_as_moment_text_does(language):
    with translation.override(language):
        for zone in ("Asia/Kolkata", "Asia/Dubai", None):
            assert moment_writer(zone)(MOMENT) == moment_text(MOMENT, zone)


@pytest.mark.parametrize(
    ("language", "text"), [("en", "10 February 2031"), ("fr", "10 février 2031")]
)
def test_a_page_of_rows_writes_days_as_the_date_filter_does(language, text):
    with translation.override(language):
        write = day_writer()
        rendered = Template("{{ day|date }}").render(Context({"day": MOMENT.date()}))
        assert (write(MOMENT.date()), write(MOMENT.date()), rendered) == (text, text, text)
        assert write(None) == ""


def test_a_span_of_days_reads_from_first_to_last_or_a_dash_when_one_is_unknown():
    first, last = MOMENT.date(), MOMENT.date() + datetime.timedelta(days=44)
    with translation.override("en"):
        write = day_writer()
        assert span(write, first, last) == "10 February 2031 – 26 March 2031"
        assert (span(write, None, last), span(write, first, None)) == ("—", "—")
