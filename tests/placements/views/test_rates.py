import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import ExchangeRate
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data"
LIST = reverse("rates:list")


@pytest.fixture
def manager(client):
    user = factories.ProgramStaffFactory(role=StaffRole.MANAGER, user__full_name="Maya Manager")
    client.force_login(user.user)
    return user.user


def rate(base, value, day, source="Bank of Canada", quote="CAD"):
    return ExchangeRate.objects.create(
        base=base, quote=quote, rate=Decimal(value), on=datetime.date(2026, 12, day), source=source
    )


def shown(response):
    return [
        (row["on"], row["base"], row["rate"], row["quote"], row["source"])
        for row in response.context["rows"]
    ]


def test_the_list_shows_rates_newest_first_and_filters_by_currency(client, manager):
    rate("EUR", "1.4952", 23)
    rate("INR", "0.01652", 23)
    rate("EUR", "1.4960", 24)
    rate("EUR", "90.61", 24, source="European Central Bank", quote="INR")
    response = client.get(LIST)
    assert shown(response) == [
        ("24 December 2026", "EUR", "1.496", "CAD", "Bank of Canada"),
        ("24 December 2026", "EUR", "90.61", "INR", "European Central Bank"),
        ("23 December 2026", "EUR", "1.4952", "CAD", "Bank of Canada"),
        ("23 December 2026", "INR", "0.01652", "CAD", "Bank of Canada"),
    ]
    assert shown(client.get(LIST, {"currency": "inr"})) == [
        ("24 December 2026", "EUR", "90.61", "INR", "European Central Bank"),
        ("23 December 2026", "INR", "0.01652", "CAD", "Bank of Canada"),
    ]
    html = response.content.decode()
    assert '<td>1 EUR</td><td class="num">90.61</td><td>INR</td>' in html


def test_the_list_reads_the_same_number_of_queries_with_few_and_many_rates(client, manager):
    def queries_for_page():
        with CaptureQueriesContext(connection) as context:
            assert client.get(LIST).status_code == 200
        return len(context)

    rate("EUR", "1.4952", 1)
    few = queries_for_page()
    ExchangeRate.objects.bulk_create(
        ExchangeRate(base="EUR", quote="CAD", rate=Decimal("1.5"), on=datetime.date(2026, 1, 1)
                     + datetime.timedelta(days=n), source="Bank of Canada")
        for n in range(120)
    )  # fmt: skip
    assert queries_for_page() == few == 6


def test_the_list_is_paginated(client, manager):
    ExchangeRate.objects.bulk_create(
        ExchangeRate(base="USD", quote="CAD", rate=Decimal("1.38"), on=datetime.date(2026, 1, 1)
                     + datetime.timedelta(days=n), source="Bank of Canada")
        for n in range(60)
    )  # fmt: skip
    first, last = client.get(LIST), client.get(LIST, {"page": 3})
    assert (len(first.context["rows"]), len(last.context["rows"])) == (25, 10)
    assert last.context["rows"][-1]["on"] == "1 January 2026"


def test_the_csv_lists_the_filtered_rates(client, manager):
    rate("EUR", "1.4952", 23)
    rate("INR", "0.01652", 23, source="=HYPERLINK(1)")
    response = client.get(LIST, {"currency": "INR", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="exchange-rates-INR.csv"'
    assert b"".join(response.streaming_content).decode() == (
        "Date,Currency,In currency,Rate,Source,Entered by\r\n"
        "2026-12-23,INR,CAD,0.01652,'=HYPERLINK(1),\r\n"
    )


def test_a_manager_adds_a_rate_by_hand_under_their_name(client, manager):
    today = timezone.localdate()
    response = client.post(
        reverse("rates:add"),
        {"base": "aed", "quote": "CAD", "on": today.isoformat(), "rate": "0.3779", "source": ""},
    )
    assert response.status_code == 302
    added = ExchangeRate.objects.get()
    assert (added.base, added.quote, added.on, added.rate, added.source, added.entered_by) == (
        "AED", "CAD", today, Decimal("0.3779"), "entered by Maya Manager", manager
    )  # fmt: skip
    page = client.get(LIST)
    assert [str(message) for message in page.context["messages"]] == [
        f"Recorded: 1 AED = 0.3779 CAD on {today.day} {today:%B %Y} (entered by Maya Manager)."
    ]


def test_a_rate_by_hand_with_its_source_twice_is_refused(client, manager):
    data = {"base": "AED", "quote": "CAD", "on": "2026-12-01", "rate": "0.3779",
            "source": "Central Bank of the UAE"}  # fmt: skip
    client.post(reverse("rates:add"), data)
    response = client.post(reverse("rates:add"), data | {"rate": "0.38"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Central Bank of the UAE already gives a rate for AED in CAD on 1 December 2026."
    ]
    assert list(ExchangeRate.objects.values_list("rate", flat=True)) == [Decimal("0.3779")]


def test_bad_rates_by_hand_are_refused_with_their_reasons(client, manager):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("rates:add"),
        {"base": "XYZ", "quote": "CAD", "on": tomorrow.isoformat(), "rate": "0", "source": ""},
    )
    assert response.context["form"].errors == {
        "base": ["XYZ is not a currency."],
        "on": ["A rate cannot be dated after today."],
        "rate": ["A rate lies between 1E-7 and 100,000,000."],
    }
    same = client.post(
        reverse("rates:add"),
        {"base": "CAD", "quote": "CAD", "on": "2026-12-01", "rate": "1", "source": ""},
    )
    assert same.context["form"].errors == {"quote": ["Choose a currency other than the first one."]}
    assert ExchangeRate.objects.count() == 0


def upload(client, name, content):
    return client.post(reverse("rates:upload"), {"file": SimpleUploadedFile(name, content)})


def test_a_manager_uploads_a_bank_of_canada_file_and_is_told_what_was_added(client, manager):
    response = upload(client, "rates.csv", (DATA / "boc_fx_rates_daily.csv").read_bytes())
    assert response.status_code == 302
    assert ExchangeRate.objects.count() == 21
    upload(client, "again.csv", (DATA / "boc_fx_rates_daily.csv").read_bytes())
    page = client.get(LIST)
    assert [str(message) for message in page.context["messages"]] == [
        "Bank of Canada: 21 rates added, 0 already recorded, 14 empty cells (days without a "
        "rate). The file covers 23 December 2026 to 29 December 2026.",
        "Bank of Canada: 0 rates added, 21 already recorded, 14 empty cells (days without a "
        "rate). The file covers 23 December 2026 to 29 December 2026.",
    ]


def test_an_uploaded_file_that_is_not_a_rates_file_is_refused_by_its_content(client, manager):
    response = upload(client, "rates.csv", b"%PDF-1.7\n\x00\x00binary")
    assert response.status_code == 400
    assert response.context["upload"].errors == {"file": ["The file is not a CSV text file."]}
    bad_line = (DATA / "ecb_eurofxref_hist.csv").read_bytes().replace(b"163.85", b"16x3.85")
    response = upload(client, "eurofxref-hist.csv", bad_line)
    assert response.context["upload"].errors == {"file": ["Line 3: 16x3.85 is not a rate."]}
    assert ExchangeRate.objects.count() == 0


def test_people_who_manage_nothing_get_a_403_and_the_director_may(client):
    reviewer = factories.ProgramStaffFactory(role=StaffRole.REVIEWER).user
    client.force_login(reviewer)
    assert client.get(LIST).status_code == 403
    assert client.post(reverse("rates:add"), {}).status_code == 403
    assert upload(client, "r.csv", b"Date,USD\n").status_code == 403
    client.force_login(factories.UserFactory(is_superuser=True))
    assert client.get(LIST).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('account_login')}?next={LIST}",
    )
