"""The one CSV download: streamed, and every text cell safe to open in a spreadsheet."""

import csv
import datetime
import io
from decimal import Decimal

from portal.downloads import csv_download, csv_text


def _read(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def test_a_download_streams_the_header_then_the_rows_as_an_attachment():
    rows = ([n, f"firm {n}"] for n in range(3))
    response = csv_download("firms.csv", ["Number", "Name"], rows)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="firms.csv"'
    assert _read(response) == [
        ["Number", "Name"],
        ["0", "firm 0"],
        ["1", "firm 1"],
        ["2", "firm 2"],
    ]


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_quoted():
    typed = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", "Plain"]
    assert _read(csv_download("x.csv", ["typed"], ([value] for value in typed)))[1:] == [
        ["'=HYPERLINK(\"http://x\")"], ["'+1"], ["'-2+3"], ["'@SUM(A1)"], ["'\tTab"],
        ["'\rReturn"], ["Plain"],
    ]  # fmt: skip


def test_numbers_and_dates_are_written_as_they_are_and_nothing_is_blank():
    row = [-5, Decimal("-12.50"), 1.5, datetime.date(2026, 1, 2), None, True]
    assert csv_text(["a", "b", "c", "d", "e", "f"], [row]).splitlines()[1] == (
        "-5,-12.50,1.5,2026-01-02,,True"
    )
