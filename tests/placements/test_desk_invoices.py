import datetime

import pytest
from django.core.exceptions import ValidationError
from djmoney.money import Money

from placements import queries
from placements.desk_invoices import (
    GenerationReport,
    confirm_desk_invoice,
    generate_all_desk_invoices,
    generate_desk_invoices,
    pay_desk_invoice,
    send_desk_invoice,
)
from placements.enums import DeskInvoiceStatus, PlacementStatus
from placements.models import DeskInvoice, Placement
from programs import services as programs_services
from programs.enums import DeskInvoicing
from tests import factories
from tests.placements.conftest import accepted_offer, placed

pytestmark = pytest.mark.django_db
S = DeskInvoiceStatus
P = PlacementStatus
EUR = "EUR"


def d(month, day):
    return datetime.date(2026, month, day)


def lisbon_hub(intake):
    """A host offering the intake three desks at EUR 45.50 a day."""
    return factories.DeskOfferFactory(
        intake=intake,
        desks=3,
        host__name="Lisbon Hub",
        host__desk_capacity=3,
        host__desk_cost_per_day=Money("45.50", EUR),
    ).host


@pytest.fixture
def host(intake):
    return lisbon_hub(intake)


def stay(intake, host, partner, *, arrived, departed=None, status=None):
    """A placement whose stay ran on these dates (set directly: the services date stays
    from today, and these tests need fixed calendar months)."""
    placement = placed(accepted_offer(intake, host), partner)
    status = status or (P.COMPLETED if departed else P.IN_RESIDENCE)
    Placement.objects.filter(pk=placement.pk).update(
        arrived_on=arrived, departed_on=departed, status=status
    )
    return Placement.objects.get(pk=placement.pk)


def invoices(intake):
    return [
        (i.period_start, i.period_end, i.placement_id, i.days, i.total, i.status)
        for i in DeskInvoice.objects.filter(intake=intake).order_by("period_start", "pk")
    ]


def lines(invoice):
    return [
        (line.placement_id, line.first_day, line.last_day, line.days, line.day_cost, line.amount)
        for line in invoice.lines.all()
    ]


def test_monthly_invoices_count_the_days_used_in_each_finished_month(intake, host, partner):
    first = stay(intake, host, partner, arrived=d(8, 20), departed=d(10, 10))
    second = stay(intake, host, partner, arrived=d(9, 25))
    report = generate_desk_invoices(intake, today=d(10, 15))
    assert report == GenerationReport(created=2, redrawn=0, kept=0)
    # October is not over: it is invoiced in November.
    assert invoices(intake) == [
        (d(8, 1), d(8, 31), None, 12, Money("546.00", EUR), S.DRAFT),
        (d(9, 1), d(9, 30), None, 36, Money("1638.00", EUR), S.DRAFT),
    ]
    september = DeskInvoice.objects.get(period_start=d(9, 1))
    assert lines(september) == [
        (first.pk, d(9, 1), d(9, 30), 30, Money("45.50", EUR), Money("1365.00", EUR)),
        (second.pk, d(9, 25), d(9, 30), 6, Money("45.50", EUR), Money("273.00", EUR)),
    ]


def test_a_stay_cut_short_invoices_only_the_days_used(intake, host, partner):
    stay(intake, host, partner, arrived=d(8, 20), departed=d(9, 3), status=P.CUT_SHORT)
    generate_desk_invoices(intake, today=d(11, 2))
    assert invoices(intake) == [
        (d(8, 1), d(8, 31), None, 12, Money("546.00", EUR), S.DRAFT),
        (d(9, 1), d(9, 30), None, 3, Money("136.50", EUR), S.DRAFT),
    ]


def test_per_placement_invoices_wait_for_the_departure(intake, host, partner):
    intake.desk_invoicing = DeskInvoicing.PER_PLACEMENT
    intake.save()
    cut = stay(intake, host, partner, arrived=d(8, 20), departed=d(9, 3), status=P.CUT_SHORT)
    stay(intake, host, partner, arrived=d(9, 25))  # still there
    placed(accepted_offer(intake, host), partner)  # not arrived
    generate_desk_invoices(intake, today=d(11, 2))
    assert invoices(intake) == [(d(8, 20), d(9, 3), cut.pk, 15, Money("682.50", EUR), S.DRAFT)]


def test_generating_again_redraws_drafts_and_keeps_sent_invoices(intake, host, partner, manager):
    stay(intake, host, partner, arrived=d(8, 20), departed=d(10, 10))
    generate_desk_invoices(intake, today=d(10, 15))
    send_desk_invoice(DeskInvoice.objects.get(period_start=d(8, 1)), by=manager)
    # The host's cost changes before the September draft is sent.
    type(host).objects.filter(pk=host.pk).update(desk_cost_per_day=Money("50.00", EUR))
    report = generate_desk_invoices(intake, today=d(10, 15))
    assert report == GenerationReport(created=0, redrawn=1, kept=1)
    assert invoices(intake) == [
        (d(8, 1), d(8, 31), None, 12, Money("546.00", EUR), S.SENT),
        (d(9, 1), d(9, 30), None, 30, Money("1500.00", EUR), S.DRAFT),
    ]
    assert DeskInvoice.objects.get(period_start=d(9, 1)).lines.count() == 1


def test_a_departure_logged_late_removes_the_draft_of_a_month_no_longer_used(
    intake, host, partner, manager
):
    """Drawn on 2 October while the firm was still in residence, September's draft counted
    30 days; the departure, logged late, was 28 August: September's draft goes (it stayed,
    billing the host a month no desk was used) and August's is redrawn. A sent invoice of
    such a month is kept."""
    placement = stay(intake, host, partner, arrived=d(8, 20))
    generate_desk_invoices(intake, today=d(10, 2))
    assert [row[3] for row in invoices(intake)] == [12, 30]
    Placement.objects.filter(pk=placement.pk).update(
        departed_on=d(8, 28), desk_until=d(8, 28), status=P.COMPLETED
    )
    report = generate_desk_invoices(intake, today=d(10, 5))
    assert report == GenerationReport(created=0, redrawn=1, kept=0, removed=1)
    assert invoices(intake) == [(d(8, 1), d(8, 31), None, 9, Money("409.50", EUR), S.DRAFT)]


def test_a_sent_invoice_of_a_month_no_longer_used_is_kept(intake, host, partner, manager):
    placement = stay(intake, host, partner, arrived=d(8, 20))
    generate_desk_invoices(intake, today=d(10, 2))
    send_desk_invoice(DeskInvoice.objects.get(period_start=d(9, 1)), by=manager)
    Placement.objects.filter(pk=placement.pk).update(
        departed_on=d(8, 28), desk_until=d(8, 28), status=P.COMPLETED
    )
    report = generate_desk_invoices(intake, today=d(10, 5))
    assert report == GenerationReport(created=0, redrawn=1, kept=0, removed=0)
    assert [(row[0], row[3], row[5]) for row in invoices(intake)] == [
        (d(8, 1), 9, S.DRAFT),
        (d(9, 1), 30, S.SENT),
    ]


def test_the_daily_job_draws_every_intake_with_a_stay(intake, host, partner):
    stay(intake, host, partner, arrived=d(8, 20), departed=d(8, 22))
    generate_all_desk_invoices(today=d(9, 1))
    generate_all_desk_invoices(today=d(9, 1))
    assert invoices(intake) == [(d(8, 1), d(8, 31), None, 3, Money("136.50", EUR), S.DRAFT)]


@pytest.fixture
def invoice(intake, host, partner):
    stay(intake, host, partner, arrived=d(8, 20), departed=d(8, 22))
    generate_desk_invoices(intake, today=d(9, 1))
    return DeskInvoice.objects.get()


def test_an_invoice_goes_from_draft_to_paid_with_its_history(invoice, manager, partner):
    send_desk_invoice(invoice, by=manager)
    confirm_desk_invoice(invoice, by=partner)
    paid = pay_desk_invoice(invoice, by=manager, paid_on=d(11, 2), reference=" WIRE-2026-118 ")
    assert (paid.status, paid.paid_on, paid.payment_reference) == (
        S.PAID,
        d(11, 2),
        "WIRE-2026-118",
    )
    events = paid.events.all()
    assert [(e.actor_id, e.from_status, e.to_status, e.note_text) for e in events] == [
        (manager.pk, S.DRAFT, S.SENT, ""),
        (partner.pk, S.SENT, S.CONFIRMED, ""),
        (manager.pk, S.CONFIRMED, S.PAID, "Paid on 2 November 2026, reference WIRE-2026-118"),
    ]


def test_steps_out_of_order_or_twice_are_refused(invoice, manager, partner):
    with pytest.raises(ValidationError) as error:
        confirm_desk_invoice(invoice, by=partner)
    assert error.value.messages == [
        "A desk invoice that is draft cannot become confirmed by the host."
    ]
    send_desk_invoice(invoice, by=manager)
    with pytest.raises(ValidationError) as error:
        send_desk_invoice(invoice, by=manager)
    assert error.value.messages == [
        "A desk invoice that is sent to the host cannot become sent to the host."
    ]
    assert invoice.events.count() == 1


def test_a_payment_needs_a_reference_and_a_date_not_after_today(invoice, manager, partner):
    send_desk_invoice(invoice, by=manager)
    confirm_desk_invoice(invoice, by=partner)
    with pytest.raises(ValidationError) as error:
        pay_desk_invoice(invoice, by=manager, paid_on=d(11, 2), reference="  ")
    assert error.value.messages == ["Give the payment's reference."]
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        pay_desk_invoice(invoice, by=manager, paid_on=tomorrow, reference="W-1")
    assert error.value.messages == ["A payment cannot be dated after today."]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on, invoice.payment_reference) == (S.CONFIRMED, None, "")


def test_who_sees_and_who_may_act_on_an_invoice(invoice, intake, manager, partner):
    other_partner = factories.UserFactory()
    programs_services.add_host_partner(factories.HostIncubatorFactory(), user=other_partner)
    other_manager = factories.ProgramStaffFactory(role="manager").user
    director = factories.UserFactory(is_superuser=True)

    def visible(user):
        return list(queries.desk_invoices_visible_to(user).values_list("pk", flat=True))

    # A draft is the program's own.
    assert (visible(manager), visible(partner), visible(director)) == (
        [invoice.pk],
        [],
        [invoice.pk],
    )
    send_desk_invoice(invoice, by=manager)
    assert (visible(partner), visible(other_partner), visible(other_manager)) == (
        [invoice.pk],
        [],
        [],
    )
    perms = ["send", "confirm", "pay"]

    def may(user):
        return [p for p in perms if user.has_perm(f"placements.{p}_deskinvoice", invoice)]

    assert (may(manager), may(partner), may(director), may(other_partner)) == (
        ["send", "pay"],
        ["confirm"],
        ["send", "pay"],
        [],
    )


def test_the_beat_job_draws_the_invoices_due(intake, host, partner, settings):
    from placements import tasks

    stay(intake, host, partner, arrived=d(8, 20), departed=d(8, 22))
    tasks.generate_desk_invoices.delay()
    assert invoices(intake) == [(d(8, 1), d(8, 31), None, 3, Money("136.50", EUR), S.DRAFT)]
    assert settings.CELERY_BEAT_SCHEDULE["generate-desk-invoices"]["task"] == (
        "placements.generate_desk_invoices"
    )
