import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from placements.desk_invoices import confirm_desk_invoice, send_desk_invoice
from placements.enums import DeskInvoiceStatus
from placements.models import DeskInvoice
from programs import services as programs_services
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
def invoice(intake, host, partner):
    stay(intake, host, partner, arrived=d(8, 20), departed=d(9, 3))
    from placements.desk_invoices import generate_desk_invoices

    generate_desk_invoices(intake, today=d(10, 1))
    return DeskInvoice.objects.get(period_start=d(8, 1))


def rows(response):
    return [(row["host"], row["period"], row["days"], row["total"], row["status"])
            for row in response.context["rows"]]  # fmt: skip


def test_the_manager_lists_draws_and_sends_the_intake_invoices(client, intake, host, partner,
                                                               manager):  # fmt: skip
    stay(intake, host, partner, arrived=d(8, 20), departed=d(9, 3))
    client.force_login(manager)
    response = client.post(reverse("desk_invoices:generate", args=[intake.pk]))
    assert response["Location"] == reverse("desk_invoices:intake", args=[intake.pk])
    listed = client.get(response["Location"])
    assert [str(m) for m in listed.context["messages"]] == [
        "2 new invoices drawn, 0 drafts redrawn, 0 drafts removed (no desk used in their "
        "period any more), 0 already sent."
    ]
    assert rows(listed) == [
        ("Lisbon Hub", "1 September 2026 – 30 September 2026", 3, "€136.50", "Draft"),
        ("Lisbon Hub", "1 August 2026 – 31 August 2026", 12, "€546.00", "Draft"),
    ]
    august = DeskInvoice.objects.get(period_start=d(8, 1))
    client.post(reverse("desk_invoices:send", args=[august.pk]))
    august.refresh_from_db()
    assert august.status == S.SENT
    assert rows(client.get(listed.request["PATH_INFO"], {"status": "sent"})) == [
        ("Lisbon Hub", "1 August 2026 – 31 August 2026", 12, "€546.00", "Sent to the host")
    ]


def test_the_partner_sees_sent_invoices_of_their_hosts_and_confirms(client, invoice, partner,
                                                                    manager):  # fmt: skip
    client.force_login(partner)
    assert client.get(reverse("desk_invoices:detail", args=[invoice.pk])).status_code == 404
    assert rows(client.get(reverse("desk_invoices:partner"))) == []
    send_desk_invoice(invoice, by=manager)
    page = client.get(reverse("desk_invoices:detail", args=[invoice.pk]))
    assert (page.context["can_confirm"], page.context["can_pay"], page.context["can_send"]) == (
        True,
        False,
        False,
    )
    assert "Confirm the desk-days and the amount" in page.content.decode()
    client.post(reverse("desk_invoices:confirm", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.status == S.CONFIRMED
    assert rows(client.get(reverse("desk_invoices:partner"))) == [
        ("Lisbon Hub", "1 August 2026 – 31 August 2026", 12, "€546.00", "Confirmed by the host")
    ]


def test_another_host_partner_gets_a_404_and_may_not_act(client, invoice, manager):
    send_desk_invoice(invoice, by=manager)
    stranger = factories.UserFactory()
    programs_services.add_host_partner(factories.HostIncubatorFactory(), user=stranger)
    client.force_login(stranger)
    assert client.get(reverse("desk_invoices:detail", args=[invoice.pk])).status_code == 404
    assert client.post(reverse("desk_invoices:confirm", args=[invoice.pk])).status_code == 404
    assert rows(client.get(reverse("desk_invoices:partner"))) == []
    invoice.refresh_from_db()
    assert invoice.status == S.SENT


def test_the_partner_may_not_record_a_payment_and_the_manager_may_not_confirm(
    client, invoice, partner, manager
):
    send_desk_invoice(invoice, by=manager)
    client.force_login(manager)
    assert client.post(reverse("desk_invoices:confirm", args=[invoice.pk])).status_code == 403
    confirm_desk_invoice(invoice, by=partner)
    client.force_login(partner)
    pay = reverse("desk_invoices:pay", args=[invoice.pk])
    assert client.post(pay, {"paid_on": "2026-11-02", "reference": "W-1"}).status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == S.CONFIRMED


def test_the_manager_records_the_payment_with_date_and_reference(client, invoice, partner,
                                                                 manager):  # fmt: skip
    send_desk_invoice(invoice, by=manager)
    confirm_desk_invoice(invoice, by=partner)
    client.force_login(manager)
    pay = reverse("desk_invoices:pay", args=[invoice.pk])
    # Refused: the page again, the reason by its field (test_desk_invoice_payment_form.py).
    assert client.post(pay, {"paid_on": "2026-11-02", "reference": ""}).status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == S.CONFIRMED
    client.post(pay, {"paid_on": "2026-11-02", "reference": "WIRE-118"})
    again = client.post(pay, {"paid_on": "2026-11-03", "reference": "WIRE-119"}, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "The payment is recorded.",
        "A desk invoice that is paid cannot become paid.",
    ]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on, invoice.payment_reference) == (
        S.PAID,
        d(11, 2),
        "WIRE-118",
    )
    html = again.content.decode()
    assert "Paid on 2 November 2026, reference WIRE-118" in html


def test_a_manager_of_another_program_gets_a_404(client, invoice):
    other = factories.ProgramStaffFactory(role="manager").user
    client.force_login(other)
    assert client.get(reverse("desk_invoices:detail", args=[invoice.pk])).status_code == 404
    url = reverse("desk_invoices:intake", args=[invoice.intake_id])
    assert client.get(url).status_code == 404
    generate = reverse("desk_invoices:generate", args=[invoice.intake_id])
    assert client.post(generate).status_code == 404


def test_the_csv_lists_every_invoice_of_the_intake(client, invoice, intake, manager):
    client.force_login(manager)
    response = client.get(reverse("desk_invoices:intake", args=[intake.pk]), {"format": "csv"})
    assert b"".join(response.streaming_content).decode().splitlines() == [
        "Invoice,Host incubator,Intake,Firm,From,To,Desk-days,Total,Currency,Status,"
        "Status code,Paid on,Payment reference",
        f"{invoice.pk + 1},Lisbon Hub,{intake.title},,2026-09-01,2026-09-30,3,136.50,EUR,"
        "Draft,draft,,",
        f"{invoice.pk},Lisbon Hub,{intake.title},,2026-08-01,2026-08-31,12,546.00,EUR,"
        "Draft,draft,,",
    ]


def test_the_lists_read_the_same_number_of_queries_with_few_and_many(
    client, intake, host, partner, manager
):
    from placements.desk_invoices import generate_desk_invoices

    stay(intake, host, partner, arrived=datetime.date(2024, 1, 10), departed=d(1, 1))
    generate_desk_invoices(intake, today=datetime.date(2024, 3, 1))
    client.force_login(manager)
    url = reverse("desk_invoices:intake", args=[intake.pk])

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    few = count()
    generate_desk_invoices(intake, today=d(12, 1))
    assert DeskInvoice.objects.count() == 25
    assert count() == few
