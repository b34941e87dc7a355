"""CSV downloads: one way to stream a list as a spreadsheet file.

Every list page offers its rows as CSV. The file is streamed line by line, so a long list is
never held in memory, and every text cell is made safe for spreadsheets: a cell that starts with
``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) would be run as a formula by Excel or
LibreOffice, so it is written with a leading apostrophe, which they show as plain text
(OWASP's "CSV injection"). Numbers and dates are written as they are.
"""

import csv
import datetime
from decimal import Decimal

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """One cell as a spreadsheet will read it: text that could run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal, datetime.date)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """The header, then each row, as CSV text lines with every cell made safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow([cell(value) for value in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_download(filename, header, rows):
    """A streamed CSV attachment named ``filename``; ``rows`` may be any iterable of sequences."""
    lines = csv_lines(header, rows)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_text(header, rows):
    """The same CSV as one string, for files that are stored rather than downloaded."""
    return "".join(csv_lines(header, rows))
