"""Reading central banks' published exchange rates into ExchangeRate rows.

Two formats, recognised by their content (never by a file's name):

- the Bank of Canada's Valet CSV (FX_RATES_DAILY group): sections "TERMS AND CONDITIONS",
  "SERIES" and "OBSERVATIONS"; each FXxxxCAD column gives CAD per unit of xxx, an empty
  cell is a day without a rate (a holiday);
- the European Central Bank's reference rates: eurofxref-hist.csv (``Date,USD,JPY,...``,
  ISO dates) or the day's eurofxref.csv (``Date, USD, ...``, ``05 December 2026``); each
  column gives units of the currency per 1 EUR, "N/A" (or nothing) where none was set.
  The bank publishes each CSV only inside a ZIP (eurofxref-hist.zip, eurofxref.zip): the
  fetch and an upload of the ZIP as downloaded both read the CSV inside.

Rates are stored as published (the bank's currency on the side it quotes); placements.rates
converts either way. An import adds only rows it does not already hold for the source, pair
and day, so importing the same file twice adds nothing.
"""

import csv
import datetime
import io
import re
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from placements import watchers
from placements.models import ExchangeRate

BANK_OF_CANADA = "Bank of Canada"
EUROPEAN_CENTRAL_BANK = "European Central Bank"
SOURCES = {"boc": BANK_OF_CANADA, "ecb": EUROPEAN_CENTRAL_BANK}
# Where each bank publishes; the portal fetches only these two addresses.
BOC_URL = "https://www.bankofcanada.ca/valet/observations/group/FX_RATES_DAILY/csv"
ECB_DAILY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref.zip"
ECB_HISTORY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
FETCH_TIMEOUT = 20  # seconds
# The whole ECB history since 1999 is about 2 MB; nothing larger is a rates file.
MAX_FILE_BYTES = 8 * 1024 * 1024
# The Bank of Canada's daily job asks for the last weeks only.
BOC_RECENT_DAYS = 14

MONTHS = {
    name: number
    for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}  # fmt: skip
BOC_SERIES = re.compile(r"^FX([A-Z]{3})([A-Z]{3})$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
ECB_MISSING = {"", "N/A"}
ZIP_MAGIC = b"PK\x03\x04"


class RateFileError(ValidationError):
    """A file that is not a rates file, or a line in it that cannot be read."""


class RateFetchError(Exception):
    """The bank could not be reached or answered with something else than its file."""


@dataclass(frozen=True)
class Row:
    base: str
    quote: str
    on: datetime.date
    rate: Decimal


@dataclass(frozen=True)
class ImportReport:
    source: str
    added: int
    skipped: int  # already recorded for the source, pair and day
    blank: int  # cells with no rate (holidays, "N/A")
    first_day: datetime.date | None
    last_day: datetime.date | None


def _line_error(number, message):
    return RateFileError(
        _("Line %(line)s: %(problem)s") % {"line": number, "problem": message}, code="line"
    )


def decode(data):
    """The text of an uploaded or fetched file, refused when it is not CSV text."""
    if len(data) > MAX_FILE_BYTES:
        raise RateFileError(
            _("The file is larger than %(size)s MB; a rates file is far smaller.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if b"\x00" in data[:4096]:
        raise RateFileError(_("The file is not a CSV text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RateFileError(_("The file is not a CSV text file.")) from None


def sniff(text):
    """ "boc" or "ecb", from the file's first line; RateFileError for anything else."""
    for line in text.splitlines():
        first = line.split(",")[0].strip().strip('"').strip()
        if not first:
            continue
        if first.upper() in ("TERMS AND CONDITIONS", "SERIES", "OBSERVATIONS"):
            return "boc"
        if first == "Date":
            return "ecb"
        break
    raise RateFileError(
        _(
            "This is not a rates file the portal knows: upload the Bank of Canada's daily "
            "exchange rates CSV or the European Central Bank's reference rates CSV."
        )
    )


def parse(text, kind=None):
    """(source kind, [Row], blank cells) read from a rates file."""
    kind = kind or sniff(text)
    rows, blank = (parse_boc if kind == "boc" else parse_ecb)(text)
    return kind, rows, blank


def _decimal(cell, number):
    try:
        value = Decimal(cell)
    except InvalidOperation:
        raise _line_error(number, _("%(value)s is not a rate.") % {"value": cell}) from None
    if not value.is_finite() or value <= 0:
        raise _line_error(number, _("%(value)s is not a rate.") % {"value": cell})
    return value


def _iso_day(cell, number):
    try:
        return datetime.date.fromisoformat(cell)
    except ValueError:
        raise _line_error(number, _("%(value)s is not a date.") % {"value": cell}) from None


def parse_boc(text):
    rows, blank = [], 0
    section, series = None, None
    reader = csv.reader(io.StringIO(text))
    for cells in reader:
        number = reader.line_num  # the physical line, quoted line breaks included
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        head = cells[0].upper()
        if len([cell for cell in cells if cell]) == 1 and head in (
            "TERMS AND CONDITIONS",
            "SERIES",
            "OBSERVATIONS",
            "ERRORS",
        ):
            section, series = head, None
            continue
        if section != "OBSERVATIONS":
            continue
        if series is None:
            if cells[0].lower() != "date":
                raise _line_error(number, _("the observations should start with a date column."))
            series = []
            for cell in cells[1:]:
                match = BOC_SERIES.match(cell)
                series.append(match.groups() if match else None)
            if not any(series):
                raise _line_error(number, _("no FXxxxCAD series in the observations."))
            continue
        on = _iso_day(cells[0], number)
        for pair, cell in zip(series, cells[1:], strict=False):
            if pair is None:
                continue
            if not cell:
                blank += 1
                continue
            rows.append(Row(pair[0], pair[1], on, _decimal(cell, number)))
    if series is None:
        raise RateFileError(_("The file has no OBSERVATIONS section."))
    return rows, blank


def _ecb_day(cell, number):
    if "-" in cell:
        return _iso_day(cell, number)
    parts = cell.split()
    try:
        day, month, year = int(parts[0]), MONTHS[parts[1].lower()], int(parts[2])
        return datetime.date(year, month, day)
    except (IndexError, KeyError, ValueError):
        raise _line_error(number, _("%(value)s is not a date.") % {"value": cell}) from None


def parse_ecb(text):
    rows, blank = [], 0
    currencies = None
    reader = csv.reader(io.StringIO(text))
    for cells in reader:
        number = reader.line_num  # the physical line, quoted line breaks included
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if currencies is None:
            # The published files end every line with a comma: an unnamed last column.
            currencies = [cell if CURRENCY.match(cell) else None for cell in cells[1:]]
            if cells[0] != "Date" or not any(currencies):
                raise _line_error(number, _("the first line should be Date and currency codes."))
            continue
        on = _ecb_day(cells[0], number)
        for currency, cell in zip(currencies, cells[1:], strict=False):
            if currency is None:
                continue
            if cell in ECB_MISSING:
                blank += 1
                continue
            rows.append(Row("EUR", currency, on, _decimal(cell, number)))
    if currencies is None:
        raise RateFileError(_("The file is empty."))
    return rows, blank


@transaction.atomic
def store_rates(kind, rows, *, blank=0):
    """Add the rows the source does not already have for that pair and day."""
    source = SOURCES[kind]
    days = [row.on for row in rows]
    held = set()
    if rows:
        held = set(
            ExchangeRate.objects.filter(source=source, on__range=(min(days), max(days)))
            .values_list("base", "quote", "on")
            .iterator(chunk_size=2000)
        )
    new, seen = [], set()
    for row in rows:
        key = (row.base, row.quote, row.on)
        if key in held or key in seen:
            continue
        seen.add(key)
        new.append(
            ExchangeRate(base=row.base, quote=row.quote, on=row.on, rate=row.rate, source=source)
        )
    # A concurrent import of the same file: the constraint keeps one row, nothing fails.
    ExchangeRate.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    if new:
        watchers.intakes_changed(None)
    return ImportReport(
        source=source,
        added=len(new),
        skipped=len(rows) - len(new),
        blank=blank,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
    )


def import_text(text, *, kind=None):
    """Parse and store a rates file's text; ``kind`` ("boc"/"ecb") must match when given."""
    found = sniff(text)
    if kind is not None and kind != found:
        raise RateFileError(
            _("This file is from the %(found)s, not the %(expected)s.")
            % {"found": SOURCES[found], "expected": SOURCES[kind]}
        )
    kind, rows, blank = parse(text, found)
    return store_rates(kind, rows, blank=blank)


def import_file(data, *, kind=None):
    """Import an uploaded or read file's bytes: the CSV, or the ZIP the European Central Bank
    publishes its CSV files in (eurofxref.zip, eurofxref-hist.zip), as downloaded."""
    if data[:4] == ZIP_MAGIC:
        data = _unzip_upload(data)
    return import_text(decode(data), kind=kind)


def fetch(kind, *, history=False, today=None):
    """The bytes of the bank's current file; RateFetchError when it cannot be had."""
    if kind == "boc":
        start = (today or datetime.date.today()) - datetime.timedelta(days=BOC_RECENT_DAYS)
        url = BOC_URL if history else f"{BOC_URL}?start_date={start.isoformat()}"
    else:
        url = ECB_HISTORY_URL if history else ECB_DAILY_URL
    # Only the two https addresses above: no file: or other scheme can reach here.
    request = urllib.request.Request(url, headers={"User-Agent": "soft-landing-portal"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            data = response.read(MAX_FILE_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RateFetchError(
            _(
                "Could not reach the %(source)s at %(url)s (%(reason)s). Without a network, "
                "download the file elsewhere and import it from the exchange rates page or "
                "with import_rates --file."
            )
            % {"source": SOURCES[kind], "url": url, "reason": reason}
        ) from error
    if kind == "ecb":
        data = _unzip(data, url)
    return data


def _csv_in_zip(data):
    """The first CSV file in a ZIP's bytes; ValueError("no-csv" / "too-large" / "not-zip")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [name for name in archive.namelist() if name.lower().endswith(".csv")]
            if not names:
                raise ValueError("no-csv")
            if archive.getinfo(names[0]).file_size > MAX_FILE_BYTES:
                raise ValueError("too-large")
            return archive.read(names[0])
    except zipfile.BadZipFile:
        raise ValueError("not-zip") from None


def _unzip(data, url):
    try:
        return _csv_in_zip(data)
    except ValueError as error:
        messages = {
            "no-csv": _("%(url)s held no CSV file."),
            "too-large": _("%(url)s held a file too large."),
            "not-zip": _("%(url)s did not answer with a ZIP file."),
        }
        raise RateFetchError(messages[str(error)] % {"url": url}) from None


def _unzip_upload(data):
    try:
        return _csv_in_zip(data)
    except ValueError as error:
        messages = {
            "no-csv": _("The ZIP file holds no CSV file."),
            "too-large": _("The CSV file in the ZIP is larger than %(size)s MB."),
            "not-zip": _("The file looks like a ZIP file but cannot be opened."),
        }
        raise RateFileError(
            messages[str(error)] % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        ) from None


def fetch_and_import(kind, *, history=False, today=None):
    """What the command and the daily job do: fetch the bank's file and import it."""
    return import_file(fetch(kind, history=history, today=today), kind=kind)
