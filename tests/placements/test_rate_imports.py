import datetime
import io
import urllib.error
import zipfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from djmoney.money import Money

from placements import rate_imports, tasks
from placements.models import ExchangeRate
from placements.rate_imports import ImportReport, RateFetchError, RateFileError
from placements.rates import convert

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
BOC_FILE = DATA / "boc_fx_rates_daily.csv"
ECB_HISTORY = DATA / "ecb_eurofxref_hist.csv"
ECB_DAILY = DATA / "ecb_eurofxref.csv"
BOC = "Bank of Canada"
ECB = "European Central Bank"


def dec(day):
    return datetime.date(2026, 12, day)


def stored(source, day):
    return dict(
        ExchangeRate.objects.filter(source=source, on=dec(day))
        .order_by("base", "quote")
        .values_list("base", "rate")
        if source == BOC
        else ExchangeRate.objects.filter(source=source, on=dec(day)).values_list("quote", "rate")
    )


def test_a_bank_of_canada_file_stores_cad_per_unit_and_skips_holidays():
    report = rate_imports.import_file(BOC_FILE.read_bytes())
    assert report == ImportReport(BOC, added=21, skipped=0, blank=14, first_day=dec(23),
                                  last_day=dec(29))  # fmt: skip
    assert stored(BOC, 29) == {
        "AUD": Decimal("0.9121"),
        "BRL": Decimal("0.2601"),
        "EUR": Decimal("1.4987"),
        "INR": Decimal("0.01655"),
        "JPY": Decimal("0.009141"),
        "SAR": Decimal("0.3709"),
        "USD": Decimal("1.3910"),
    }
    assert set(ExchangeRate.objects.values_list("quote", flat=True)) == {"CAD"}
    assert not ExchangeRate.objects.filter(on__in=[dec(25), dec(28)]).exists()


def test_importing_the_same_file_again_adds_nothing():
    rate_imports.import_file(BOC_FILE.read_bytes())
    again = rate_imports.import_file(BOC_FILE.read_bytes())
    assert (again.added, again.skipped, again.blank) == (0, 21, 14)
    assert ExchangeRate.objects.count() == 21


def test_an_ecb_history_file_stores_units_per_euro_and_skips_missing_values():
    report = rate_imports.import_file(ECB_HISTORY.read_bytes())
    assert report == ImportReport(ECB, added=21, skipped=0, blank=6, first_day=dec(23),
                                  last_day=dec(29))  # fmt: skip
    assert stored(ECB, 23) == {
        "USD": Decimal("1.0771"),
        "JPY": Decimal("163.74"),
        "BGN": Decimal("1.9558"),
        "GBP": Decimal("0.8470"),
        "INR": Decimal("90.48"),
        "BRL": Decimal("5.7731"),
        "CAD": Decimal("1.4952"),
    }


def test_the_ecb_daily_file_with_its_written_date_is_read():
    report = rate_imports.import_file(ECB_DAILY.read_bytes())
    assert (report.added, report.blank, report.first_day) == (9, 0, dec(30))
    assert stored(ECB, 30)["CZK"] == Decimal("24.312")


def test_imported_rates_convert_a_claim_currency_through_the_bank_currency():
    rate_imports.import_file(BOC_FILE.read_bytes())
    conversion = convert(Money("10000", "INR"), "EUR", dec(26))
    # 10000 x 0.01650 / 1.4960, rounded once.
    assert (conversion.amount, conversion.rate_date, conversion.via) == (
        Money("110.29", "EUR"),
        dec(24),
        "CAD",
    )


def test_a_file_that_is_no_rates_file_is_refused():
    with pytest.raises(RateFileError) as error:
        rate_imports.import_file(b"name,amount\nAda,12\n")
    assert error.value.messages == [
        "This is not a rates file the portal knows: upload the Bank of Canada's daily "
        "exchange rates CSV or the European Central Bank's reference rates CSV."
    ]


def test_a_binary_file_is_refused_by_its_content():
    with pytest.raises(RateFileError) as error:
        rate_imports.import_file(b"%PDF-1.7\x00\x01\x02 Date,USD")
    assert error.value.messages == ["The file is not a CSV text file."]


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(RateFileError) as error:
        rate_imports.import_file(b"Date,USD\n" + b"x" * rate_imports.MAX_FILE_BYTES)
    assert error.value.messages == ["The file is larger than 8 MB; a rates file is far smaller."]


def test_a_bad_value_is_refused_with_its_line_and_nothing_is_stored():
    text = BOC_FILE.read_text().replace('"0.9121"', '"abc"')
    with pytest.raises(RateFileError) as error:
        rate_imports.import_text(text)
    assert error.value.messages == ["Line 20: abc is not a rate."]
    assert ExchangeRate.objects.count() == 0


def test_a_bad_date_in_an_ecb_file_is_refused_with_its_line():
    text = ECB_HISTORY.read_text().replace("2026-12-24", "24/12/2026")
    with pytest.raises(RateFileError) as error:
        rate_imports.import_text(text)
    assert error.value.messages == ["Line 3: 24/12/2026 is not a date."]


def test_a_file_from_the_other_bank_than_asked_is_refused():
    with pytest.raises(RateFileError) as error:
        rate_imports.import_file(ECB_DAILY.read_bytes(), kind="boc")
    assert error.value.messages == [
        "This file is from the European Central Bank, not the Bank of Canada."
    ]


def test_the_command_imports_a_file_and_reports_what_it_added():
    out = io.StringIO()
    call_command("import_rates", "--source", "boc", "--file", str(BOC_FILE), stdout=out)
    call_command("import_rates", "--source", "boc", "--file", str(BOC_FILE), stdout=out)
    assert out.getvalue().splitlines() == [
        "Bank of Canada: 21 rates added, 0 already recorded, 14 empty cells "
        "from 2026-12-23 to 2026-12-29.",
        "Bank of Canada: 0 rates added, 21 already recorded, 14 empty cells "
        "from 2026-12-23 to 2026-12-29.",
    ]


class Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def zipped(path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref.csv", path.read_bytes())
    return buffer.getvalue()


def test_the_command_fetches_the_ecb_daily_zip_with_a_timeout():
    out = io.StringIO()
    with mock.patch("urllib.request.urlopen", return_value=Response(zipped(ECB_DAILY))) as get:
        call_command("import_rates", "--source", "ecb", stdout=out)
    request = get.call_args.args[0]
    assert (request.full_url, get.call_args.kwargs) == (
        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref.zip",
        {"timeout": 20},
    )
    assert out.getvalue() == (
        "European Central Bank: 9 rates added, 0 already recorded, 0 empty cells "
        "from 2026-12-30 to 2026-12-30.\n"
    )


def test_the_bank_of_canada_is_asked_for_its_last_two_weeks():
    with mock.patch("urllib.request.urlopen", return_value=Response(BOC_FILE.read_bytes())) as get:
        rate_imports.fetch_and_import("boc", today=dec(30))
    assert get.call_args.args[0].full_url == (
        "https://www.bankofcanada.ca/valet/observations/group/FX_RATES_DAILY/csv"
        "?start_date=2026-12-16"
    )
    assert ExchangeRate.objects.count() == 21


def test_offline_the_command_says_so_and_points_to_the_file_import():
    offline = urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    with (
        mock.patch("urllib.request.urlopen", side_effect=offline),
        pytest.raises(CommandError) as error,
    ):
        call_command("import_rates", "--source", "boc")
    assert str(error.value).startswith(
        "Could not reach the Bank of Canada at "
        "https://www.bankofcanada.ca/valet/observations/group/FX_RATES_DAILY/csv?start_date="
    )
    assert str(error.value).endswith(
        "([Errno -3] Temporary failure in name resolution). Without a network, download the "
        "file elsewhere and import it from the exchange rates page or with import_rates --file."
    )


def test_the_command_names_a_missing_file():
    with pytest.raises(CommandError) as error:
        call_command("import_rates", "--source", "ecb", "--file", "/nonexistent/rates.csv")
    assert str(error.value) == "Cannot read /nonexistent/rates.csv: No such file or directory"


def test_the_daily_job_imports_each_bank_and_is_declared_in_the_beat_schedule():
    answer = zipped(ECB_HISTORY)
    with mock.patch("urllib.request.urlopen", side_effect=lambda *a, **k: Response(answer)):
        tasks.import_rates.delay(source="ecb")
        tasks.import_rates.delay(source="ecb")
    assert ExchangeRate.objects.count() == 21
    jobs = {
        job["kwargs"]["source"]
        for job in settings.CELERY_BEAT_SCHEDULE.values()
        if job["task"] == "placements.import_rates"
    }
    assert jobs == {"boc", "ecb"}


def test_an_unreachable_bank_is_retried_by_the_job():
    assert tasks.import_rates.autoretry_for == (RateFetchError,)


def test_the_ecb_zip_as_downloaded_is_read_and_a_zip_without_csv_is_refused():
    import io
    import zipfile

    def zipped(name, data):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(name, data)
        return buffer.getvalue()

    # The bank publishes its CSV files only in a ZIP (eurofxref-hist.zip).
    report = rate_imports.import_file(zipped("eurofxref-hist.csv", ECB_HISTORY.read_bytes()))
    assert (report.added, report.blank, report.first_day, report.last_day) == (
        21,
        6,
        dec(23),
        dec(29),
    )
    with pytest.raises(RateFileError) as error:
        rate_imports.import_file(zipped("readme.txt", b"hello"))
    assert error.value.messages == ["The ZIP file holds no CSV file."]
    with pytest.raises(RateFileError) as error:
        rate_imports.import_file(b"PK\x03\x04 not really a zip")
    assert error.value.messages == ["The file looks like a ZIP file but cannot be opened."]
