"""The notes the portal writes in a desk invoice's history (the draft redrawn when sent, the
payment) read in the reader's language with the reader's way of writing sums and days,
whoever acted: the event keeps a code and its values; rows kept as finished text before are
converted by the migration where it reads them, the others read as written."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from djmoney.money import Money

from placements.desk_invoices import (
    confirm_desk_invoice,
    generate_desk_invoices,
    pay_desk_invoice,
    send_desk_invoice,
)
from placements.enums import DeskInvoiceNote, DeskInvoiceStatus, PlacementStatus
from placements.models import DeskInvoice, DeskInvoiceEvent, Placement
from tests import factories
from tests.placements.conftest import accepted_offer, placed
from tests.placements.test_desk_invoices import d

pytestmark = pytest.mark.django_db
S = DeskInvoiceStatus
P = PlacementStatus
NBSP, NNBSP = "\xa0", "\u202f"
REDRAWN_EN = (
    "Redrawn from the stays as they are now when sent: 28 desk-days (CA$840.00) became 50 "
    "(CA$1,500.00)."
)
REDRAWN_FR = (
    f"Refait à l’envoi d’après les séjours actuels{NBSP}: 28 jours-postes "
    f"(840,00{NBSP}$CA) sont devenus 50 (1{NNBSP}500,00{NBSP}$CA)."
)


@pytest.fixture
def host(intake):
    """A host offering the intake two desks at CAD 30.00 a day."""
    return factories.DeskOfferFactory(
        intake=intake,
        desks=2,
        host__name="Ottawa Desk",
        host__desk_capacity=2,
        host__desk_cost_per_day=Money("30.00", "CAD"),
    ).host


def stay(intake, host, partner, *, arrived, departed=None):
    placement = placed(accepted_offer(intake, host), partner)
    status = P.COMPLETED if departed else P.IN_RESIDENCE
    Placement.objects.filter(pk=placement.pk).update(
        arrived_on=arrived, departed_on=departed, status=status
    )
    return placement


@pytest.fixture
def redrawn(intake, host, partner, manager):
    """September's invoice drawn with one stay of 28 desk-days, sent (by a manager reading
    English) once a second stay of 22 desk-days was logged: 50 desk-days."""
    stay(intake, host, partner, arrived=d(9, 3))
    generate_desk_invoices(intake, today=d(10, 1))
    draft = DeskInvoice.objects.get(intake=intake)
    assert (draft.days, draft.total) == (28, Money("840.00", "CAD"))
    stay(intake, host, partner, arrived=d(9, 9))
    with translation.override("en"):
        return send_desk_invoice(draft, by=manager)


def history(client, reader, invoice, language):
    """The history notes of the invoice's page and the page, as ``language`` reads them."""
    client.force_login(reader)
    url = reverse("desk_invoices:detail", args=[invoice.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [event.note_text for event in response.context["events"]], response.content.decode()


def test_the_redrawn_note_is_kept_as_a_code_and_values(redrawn):
    event = redrawn.events.get()
    assert (redrawn.days, redrawn.total) == (50, Money("1500.00", "CAD"))
    assert (event.note, event.note_code, event.note_values) == (
        "",
        DeskInvoiceNote.REDRAWN,
        {
            "before_days": 28,
            "before_total": {"amount": "840.00", "currency": "CAD"},
            "days": 50,
            "total": {"amount": "1500.00", "currency": "CAD"},
        },
    )


def test_a_partner_reading_french_reads_the_redrawn_note_in_french(client, redrawn, partner):
    notes, html = history(client, partner, redrawn, "fr")
    assert notes == [REDRAWN_FR]
    assert REDRAWN_FR in html
    assert "Redrawn" not in html


def test_a_manager_reading_english_reads_it_in_english(client, redrawn, manager):
    notes, html = history(client, manager, redrawn, "en")
    assert notes == [REDRAWN_EN]
    assert REDRAWN_EN in html


def test_the_payment_note_reads_in_the_reader_s_language(client, redrawn, partner, manager):
    confirm_desk_invoice(redrawn, by=partner)
    with translation.override("en"):
        paid = pay_desk_invoice(redrawn, by=manager, paid_on=d(11, 2), reference="WIRE-118")
    event = paid.events.get(to_status=S.PAID)
    assert (event.note, event.note_code, event.note_values) == (
        "",
        DeskInvoiceNote.PAID,
        {"date": "2026-11-02", "reference": "WIRE-118"},
    )
    assert history(client, partner, paid, "fr")[0] == [
        REDRAWN_FR,
        "",
        "Payée le 2 novembre 2026, référence WIRE-118",
    ]
    assert history(client, manager, paid, "en")[0] == [
        REDRAWN_EN,
        "",
        "Paid on 2 November 2026, reference WIRE-118",
    ]


def test_a_note_a_person_typed_reads_as_typed(redrawn, manager):
    event = DeskInvoiceEvent.objects.create(
        invoice=redrawn, actor=manager, from_status=S.SENT, to_status=S.SENT, note="Checked."
    )
    with translation.override("fr"):
        assert event.note_text == "Checked."


# --- Rows recorded before: the migration -----------------------------------------------------


def test_the_migration_converts_the_old_rows_it_reads(redrawn, partner, manager):
    confirm_desk_invoice(redrawn, by=partner)
    paid = pay_desk_invoice(redrawn, by=manager, paid_on=d(11, 2), reference="WIRE-118")
    # As the portal kept them before: finished text in the language of whoever acted.
    sent, confirmed, payment = paid.events.order_by("pk")
    DeskInvoiceEvent.objects.filter(pk=sent.pk).update(
        note=REDRAWN_EN, note_code="", note_values={}
    )
    DeskInvoiceEvent.objects.filter(pk=payment.pk).update(
        note="Payée le 2 novembre 2026, référence WIRE-118", note_code="", note_values={}
    )
    other = DeskInvoiceEvent.objects.create(
        invoice=paid, actor=manager, from_status=S.PAID, to_status=S.PAID, note="Checked."
    )
    # A sum in another currency than the invoice's is not the portal's: left as written.
    foreign = DeskInvoiceEvent.objects.create(
        invoice=paid,
        actor=manager,
        from_status=S.PAID,
        to_status=S.PAID,
        note=(
            "Redrawn from the stays as they are now when sent: 28 desk-days (€840.00) became "
            "50 (€1,500.00)."
        ),
    )
    migration = import_module("placements.migrations.0011_desk_invoice_notes_as_codes")

    migration.notes_as_codes(apps, None)

    rows = {
        event.pk: (event.note, event.note_code, event.note_values)
        for event in DeskInvoiceEvent.objects.filter(invoice=paid)
    }
    assert rows == {
        sent.pk: (
            "",
            "redrawn",
            {
                "before_days": 28,
                "before_total": {"amount": "840.00", "currency": "CAD"},
                "days": 50,
                "total": {"amount": "1500.00", "currency": "CAD"},
            },
        ),
        confirmed.pk: ("", "", {}),
        payment.pk: ("", "paid", {"date": "2026-11-02", "reference": "WIRE-118"}),
        other.pk: ("Checked.", "", {}),
        foreign.pk: (foreign.note, "", {}),
    }
    with translation.override("fr"):
        assert DeskInvoiceEvent.objects.get(pk=sent.pk).note_text == REDRAWN_FR
    with translation.override("en"):
        assert DeskInvoiceEvent.objects.get(pk=payment.pk).note_text == (
            "Paid on 2 November 2026, reference WIRE-118"
        )


def test_undoing_the_migration_writes_the_notes_back_in_english(redrawn, partner, manager):
    confirm_desk_invoice(redrawn, by=partner)
    paid = pay_desk_invoice(redrawn, by=manager, paid_on=d(11, 2), reference="WIRE-118")
    migration = import_module("placements.migrations.0011_desk_invoice_notes_as_codes")

    migration.codes_as_notes(apps, None)

    notes = list(paid.events.order_by("pk").values_list("note", flat=True))
    assert notes == [REDRAWN_EN, "", "Paid on 2 November 2026, reference WIRE-118"]
