"""A desk-day is invoiced once: switching how an intake's hosts invoice, an arrival logged
after its month was invoiced, a departure logged after a draft was drawn. And an intake's
stipend cap keeps its currency once it has awards."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from djmoney.money import Money

from placements import desk_invoices
from placements.desk_invoices import GenerationReport, generate_desk_invoices, send_desk_invoice
from placements.enums import DeskInvoiceStatus, PlacementStatus
from placements.models import DeskInvoice, Placement
from programs import services as programs_services
from programs.enums import DeskInvoicing
from programs.forms import IntakeForm
from programs.models import Intake, IntakeChange
from tests.placements.conftest import accepted_offer, placed
from tests.placements.money import arrived, awarded
from tests.placements.test_desk_invoices import EUR, d, lisbon_hub

pytestmark = pytest.mark.django_db
S = DeskInvoiceStatus
P = PlacementStatus


@pytest.fixture
def host(intake):
    return lisbon_hub(intake)


def stay(intake, host, partner, *, arrived, departed=None):
    """A placement whose stay ran on these dates (set directly: fixed calendar months)."""
    placement = placed(accepted_offer(intake, host), partner)
    status = P.COMPLETED if departed else P.IN_RESIDENCE
    Placement.objects.filter(pk=placement.pk).update(
        arrived_on=arrived, departed_on=departed, status=status
    )
    return Placement.objects.get(pk=placement.pk)


def invoices(intake):
    return [
        (i.period_start, i.period_end, i.placement_id, i.supplement, i.days, i.total, i.status)
        for i in DeskInvoice.objects.filter(intake=intake).order_by("period_start", "pk")
    ]


def send_all(intake, manager):
    for invoice in DeskInvoice.objects.filter(intake=intake, status=S.DRAFT).order_by("pk"):
        send_desk_invoice(invoice, by=manager)


def switch(intake, manager, to):
    programs_services.update_intake(
        intake,
        by=manager,
        reason="Hosts prefer another kind of invoice",
        markets=list(intake.markets.all()),
        sectors=list(intake.sectors.all()),
        desk_invoicing=to,
    )
    intake.refresh_from_db()


# --- Switching monthly <-> per placement --------------------------------------------------


def test_switching_to_per_placement_after_monthly_invoices_were_sent_invoices_no_day_twice(
    intake, host, partner, manager
):
    stay(intake, host, partner, arrived=d(8, 20), departed=d(9, 10))
    generate_desk_invoices(intake, today=d(10, 15))
    send_all(intake, manager)
    switch(intake, manager, DeskInvoicing.PER_PLACEMENT)
    report = generate_desk_invoices(intake, today=d(10, 16))
    assert report == GenerationReport(created=0, redrawn=0, kept=0)
    assert invoices(intake) == [
        (d(8, 1), d(8, 31), None, 0, 12, Money("546.00", EUR), S.SENT),
        (d(9, 1), d(9, 30), None, 0, 10, Money("455.00", EUR), S.SENT),
    ]


def test_switching_back_to_monthly_after_per_placement_invoices_were_sent_invoices_no_day_twice(
    intake, host, partner, manager
):
    switch(intake, manager, DeskInvoicing.PER_PLACEMENT)
    first = stay(intake, host, partner, arrived=d(8, 20), departed=d(9, 10))
    generate_desk_invoices(intake, today=d(9, 15))
    send_all(intake, manager)
    switch(intake, manager, DeskInvoicing.MONTHLY)
    stay(intake, host, partner, arrived=d(9, 25), departed=d(10, 5))
    report = generate_desk_invoices(intake, today=d(11, 2))
    assert report == GenerationReport(created=2, redrawn=0, kept=0)
    assert invoices(intake) == [
        (d(8, 20), d(9, 10), first.pk, 0, 22, Money("1001.00", EUR), S.SENT),
        # Only the second firm's days: the first's are on its sent invoice.
        (d(9, 1), d(9, 30), None, 0, 6, Money("273.00", EUR), S.DRAFT),
        (d(10, 1), d(10, 31), None, 0, 5, Money("227.50", EUR), S.DRAFT),
    ]


def test_a_stay_running_when_the_intake_switches_is_invoiced_per_placement_for_the_rest(
    intake, host, partner, manager
):
    placement = stay(intake, host, partner, arrived=d(8, 20))
    generate_desk_invoices(intake, today=d(10, 2))
    send_desk_invoice(DeskInvoice.objects.get(period_start=d(8, 1)), by=manager)
    switch(intake, manager, DeskInvoicing.PER_PLACEMENT)
    Placement.objects.filter(pk=placement.pk).update(departed_on=d(10, 10), status=P.COMPLETED)
    # September's monthly draft goes; the stay's invoice draws what August's left.
    report = generate_desk_invoices(intake, today=d(10, 15))
    assert report == GenerationReport(created=1, redrawn=0, kept=0, removed=1)
    assert invoices(intake) == [
        (d(8, 1), d(8, 31), None, 0, 12, Money("546.00", EUR), S.SENT),
        (d(9, 1), d(10, 10), placement.pk, 0, 40, Money("1820.00", EUR), S.DRAFT),
    ]


def test_the_change_of_desk_invoicing_is_in_the_intakes_history(intake, manager):
    switch(intake, manager, DeskInvoicing.PER_PLACEMENT)
    change = IntakeChange.objects.get(intake=intake)
    assert (change.before["desk_invoicing"], change.after["desk_invoicing"]) == (
        DeskInvoicing.MONTHLY,
        DeskInvoicing.PER_PLACEMENT,
    )


# --- An arrival logged after its month was invoiced ---------------------------------------


def test_an_arrival_logged_after_its_months_invoice_was_sent_goes_on_a_supplementary_invoice(
    intake, host, partner, manager
):
    stay(intake, host, partner, arrived=d(8, 20))
    generate_desk_invoices(intake, today=d(9, 2))
    send_all(intake, manager)
    late = stay(intake, host, partner, arrived=d(8, 29))  # logged on 5 September
    report = generate_desk_invoices(intake, today=d(9, 5))
    assert report == GenerationReport(created=1, redrawn=0, kept=1, supplements=1)
    assert invoices(intake) == [
        (d(8, 1), d(8, 31), None, 0, 12, Money("546.00", EUR), S.SENT),
        (d(8, 1), d(8, 31), None, 1, 3, Money("136.50", EUR), S.DRAFT),
    ]
    supplement = DeskInvoice.objects.get(supplement=1)
    assert [
        (line.placement_id, line.first_day, line.last_day) for line in supplement.lines.all()
    ] == [(late.pk, d(8, 29), d(8, 31))]
    # Drawn again, the supplementary draft is redrawn, not doubled; once sent, a third
    # firm logged late goes on a second one.
    assert generate_desk_invoices(intake, today=d(9, 6)) == GenerationReport(
        created=0, redrawn=1, kept=1
    )
    send_desk_invoice(supplement, by=manager)
    stay(intake, host, partner, arrived=d(8, 31))
    generate_desk_invoices(intake, today=d(9, 7))
    assert [(row[3], row[4], row[6]) for row in invoices(intake)] == [
        (0, 12, S.SENT),
        (1, 3, S.SENT),
        (2, 1, S.DRAFT),
    ]


def test_the_managers_button_says_how_many_invoices_are_supplementary(
    client, intake, host, partner, manager
):
    stay(intake, host, partner, arrived=d(8, 20), departed=d(8, 25))
    generate_desk_invoices(intake, today=d(9, 2))
    send_all(intake, manager)
    stay(intake, host, partner, arrived=d(8, 29), departed=d(8, 30))
    client.force_login(manager)
    response = client.post(reverse("desk_invoices:generate", args=[intake.pk]))
    assert [str(message) for message in get_messages(response.wsgi_request)][1] == (
        "1 of the new invoices is supplementary: desk-days the invoices already sent left "
        "out (a stay logged after its period was invoiced)."
    )
    supplement = DeskInvoice.objects.get(supplement=1)
    page = client.get(reverse("desk_invoices:detail", args=[supplement.pk]))
    assert (
        "Supplementary invoice 1 of this period: desk-days the invoices already sent for it "
        "left out."
    ) in page.content.decode()


def test_days_already_invoiced_are_left_out_in_runs():
    held = [(d(9, 5), d(9, 10)), (d(9, 20), d(9, 22))]
    assert desk_invoices._not_invoiced(d(9, 1), d(9, 30), held) == [
        (d(9, 1), d(9, 4)),
        (d(9, 11), d(9, 19)),
        (d(9, 23), d(9, 30)),
    ]
    assert desk_invoices._not_invoiced(d(9, 6), d(9, 8), held) == []


# --- A departure logged after the draft was drawn ------------------------------------------


def test_sending_a_draft_redraws_it_from_the_stays_as_they_are_now(intake, host, partner, manager):
    placement = stay(intake, host, partner, arrived=d(9, 1))
    generate_desk_invoices(intake, today=d(10, 2))
    draft = DeskInvoice.objects.get(intake=intake, period_start=d(9, 1))
    assert draft.days == 30
    Placement.objects.filter(pk=placement.pk).update(departed_on=d(9, 10), status=P.COMPLETED)
    sent = send_desk_invoice(draft, by=manager)
    sent.refresh_from_db()
    assert (sent.status, sent.days, sent.total) == (S.SENT, 10, Money("455.00", EUR))
    assert [(line.first_day, line.last_day, line.days) for line in sent.lines.all()] == [
        (d(9, 1), d(9, 10), 10)
    ]
    assert sent.events.get().note_text == (
        "Redrawn from the stays as they are now when sent: 30 desk-days (€1,365.00) became "
        "10 (€455.00)."
    )


def test_sending_a_draft_the_stays_left_unchanged_notes_nothing(intake, host, partner, manager):
    stay(intake, host, partner, arrived=d(9, 1), departed=d(9, 10))
    generate_desk_invoices(intake, today=d(10, 2))
    sent = send_desk_invoice(DeskInvoice.objects.get(intake=intake), by=manager)
    assert (sent.days, sent.events.get().note_text) == (10, "")


def test_sending_a_draft_none_of_whose_days_is_left_is_refused(intake, host, partner, manager):
    placement = stay(intake, host, partner, arrived=d(8, 20))
    generate_desk_invoices(intake, today=d(10, 2))
    september = DeskInvoice.objects.get(intake=intake, period_start=d(9, 1))
    Placement.objects.filter(pk=placement.pk).update(departed_on=d(8, 28), status=P.COMPLETED)
    with pytest.raises(ValidationError) as refused:
        send_desk_invoice(september, by=manager)
    assert refused.value.messages == [
        "The stays changed since this draft was drawn, and none of its desk-days is left to "
        "invoice. Draw the invoices due now: the draft will be removed."
    ]
    september.refresh_from_db()
    assert (september.status, september.days) == (S.DRAFT, 30)


def test_the_send_button_tells_the_manager_the_draft_was_redrawn(
    client, intake, host, partner, manager
):
    placement = stay(intake, host, partner, arrived=d(9, 1))
    generate_desk_invoices(intake, today=d(10, 2))
    draft = DeskInvoice.objects.get(intake=intake)
    Placement.objects.filter(pk=placement.pk).update(departed_on=d(9, 10), status=P.COMPLETED)
    client.force_login(manager)
    response = client.post(reverse("desk_invoices:send", args=[draft.pk]))
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "The stays changed since this draft was drawn: it was redrawn to 10 desk-days, "
        "€455.00, and sent to the host's partner."
    ]


# --- The stipend cap's currency under awards ------------------------------------------------


@pytest.fixture
def award(intake, offer, manager, partner):
    placement = placed(offer, manager)
    arrived(placement, partner)
    return awarded(placement, manager, amount=4000)


def to_euros(intake, manager):
    programs_services.update_intake(
        intake,
        by=manager,
        reason="Inbound round paid in euros",
        markets=list(intake.markets.all()),
        sectors=list(intake.sectors.all()),
        stipend_cap=Money(4000, EUR),
        stipend_budget=Money(100000, EUR),
    )


def test_the_stipend_caps_currency_cannot_change_once_the_intake_has_an_award(
    intake, manager, award
):
    with pytest.raises(ValidationError) as refused:
        to_euros(intake, manager)
    assert refused.value.message_dict == {
        "stipend_cap": [
            "1 stipend award of this intake is in CAD: the stipend cap and the pool stay in CAD."
        ]
    }
    intake.refresh_from_db()
    assert (intake.stipend_cap.currency.code, intake.stipend_budget.currency.code) == (
        "CAD",
        "CAD",
    )


def test_the_stipend_caps_currency_may_change_before_any_award(intake, manager):
    to_euros(intake, manager)
    intake.refresh_from_db()
    assert (intake.stipend_cap, intake.stipend_budget) == (
        Money(4000, EUR),
        Money(100000, EUR),
    )


def test_the_terms_form_says_why_the_currency_cannot_change(intake, award):
    zone = intake.zone
    data = {
        "title": intake.title,
        "direction": intake.direction,
        "time_zone": intake.time_zone,
        "opens_at": intake.opens_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": intake.closes_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "placement_starts_on": intake.placement_starts_on.isoformat(),
        "placement_ends_on": intake.placement_ends_on.isoformat(),
        "max_stay_days": intake.max_stay_days,
        "max_host_preferences": intake.max_host_preferences,
        "stipend_cap_0": "4000",
        "stipend_cap_1": EUR,
        "stipend_budget_0": "100000",
        "stipend_budget_1": EUR,
        "desk_invoicing": intake.desk_invoicing,
    }
    form = IntakeForm(data, instance=Intake.objects.get(pk=intake.pk))
    assert not form.is_valid()
    assert form.errors == {
        "stipend_cap": [
            "1 stipend award of this intake is in CAD: the stipend cap and the pool stay in CAD."
        ]
    }
