"""A desk invoice's payment refused (a day not read, a day to come, no reference) draws the
invoice's page again with the day and the reference as typed and why, answering 400, as the
portal's other refused forms do: it redirected, and the manager typed both again."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from placements.desk_invoices import (
    confirm_desk_invoice,
    generate_desk_invoices,
    send_desk_invoice,
)
from placements.enums import DeskInvoiceStatus
from placements.models import DeskInvoice
from tests import factories
from tests.placements.test_desk_invoices import d, stay

pytestmark = pytest.mark.django_db
S = DeskInvoiceStatus


@pytest.fixture
def host(intake):
    return factories.DeskOfferFactory(
        intake=intake,
        desks=3,
        host__name="Lisbon Hub",
        host__desk_capacity=3,
        host__desk_cost_per_day=Money("45.50", "EUR"),
    ).host


@pytest.fixture
def invoice(intake, host, partner, manager):
    stay(intake, host, partner, arrived=d(8, 20), departed=d(9, 3))
    generate_desk_invoices(intake, today=d(10, 1))
    invoice = DeskInvoice.objects.get(period_start=d(8, 1))
    send_desk_invoice(invoice, by=manager)
    return confirm_desk_invoice(invoice, by=partner)


def pay(client, invoice, **typed):
    return client.post(reverse("desk_invoices:pay", args=[invoice.pk]), typed)


def refusal(response):
    """(the form's values as typed, its errors by field) of the page drawn again."""
    form = response.context["payment"]
    return (
        {name: form[name].value() for name in ("paid_on", "reference")},
        {name: list(errors) for name, errors in form.errors.items()},
    )


def test_a_payment_with_no_reference_comes_back_with_the_day_typed(client, invoice, manager):
    client.force_login(manager)
    response = pay(client, invoice, paid_on="2026-11-02", reference="  ")
    assert response.status_code == 400
    assert refusal(response) == (
        {"paid_on": "2026-11-02", "reference": "  "},
        {"reference": ["This field is required."]},
    )
    html = response.content.decode()
    assert 'value="2026-11-02"' in html
    assert "This field is required." in html
    assert list(response.context["messages"]) == []  # said by its field, not above the page
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on, invoice.payment_reference) == (S.CONFIRMED, None, "")


def test_a_day_not_read_comes_back_with_the_reference_typed(client, invoice, manager):
    client.force_login(manager)
    response = pay(client, invoice, paid_on="2026-13-45", reference="WIRE-118")
    assert response.status_code == 400
    assert refusal(response) == (
        {"paid_on": "2026-13-45", "reference": "WIRE-118"},
        {"paid_on": ["Enter a valid date."]},
    )
    assert 'value="WIRE-118"' in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == S.CONFIRMED


def test_a_day_to_come_is_refused_next_to_it_with_what_was_typed(client, invoice, manager):
    client.force_login(manager)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = pay(client, invoice, paid_on=tomorrow, reference="WIRE-118")
    assert response.status_code == 400
    assert refusal(response) == (
        {"paid_on": tomorrow, "reference": "WIRE-118"},
        {"paid_on": ["A payment cannot be dated after today."]},
    )
    invoice.refresh_from_db()
    assert invoice.status == S.CONFIRMED


def test_a_payment_refused_in_french_says_why_in_french(client, invoice, manager):
    client.force_login(manager)
    response = client.post(
        reverse("desk_invoices:pay", args=[invoice.pk]),
        {"paid_on": "2026-11-02", "reference": ""},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert refusal(response)[1] == {"reference": ["Ce champ est obligatoire."]}


def test_a_payment_accepted_redirects_and_a_second_one_is_told_above_the_page(
    client, invoice, manager
):
    client.force_login(manager)
    response = pay(client, invoice, paid_on="2026-11-02", reference="WIRE-118")
    assert response.status_code == 302
    assert response["Location"] == reverse("desk_invoices:detail", args=[invoice.pk])
    # Paid meanwhile (a second click): no form to draw again, the reason is told.
    again = pay(client, invoice, paid_on="2026-11-03", reference="WIRE-119")
    assert again.status_code == 302
    shown = client.get(again["Location"])
    assert [str(message) for message in shown.context["messages"]] == [
        "The payment is recorded.",
        "A desk invoice that is paid cannot become paid.",
    ]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on, invoice.payment_reference) == (
        S.PAID,
        d(11, 2),
        "WIRE-118",
    )


def test_the_partner_may_still_not_record_a_payment(client, invoice, partner):
    client.force_login(partner)
    assert pay(client, invoice, paid_on="2026-13-45", reference="").status_code == 403
