"""Host desk invoices: the desk-days each firm actually used, at the host's desk cost per day.

A desk-day is a day from the firm's arrival to its departure, both counted (the desk is the
firm's until the departure day; see Placement.desk_until). A stay cut short is invoiced up to
its departure; a cancelled stay or one not yet begun uses none. The intake chooses
(Intake.desk_invoicing) one invoice per host per calendar month, drawn once the month is
over, or one per placement, drawn once the firm has left. Amounts are in the currency the
host's desk cost is set in (HostIncubator.desk_cost_per_day), copied onto each line when it
is drawn.

``generate_desk_invoices`` is the one writer of invoices and their lines: run by the daily
beat job and by the manager's button, it creates what is due and redraws drafts (a departure
logged late changes a draft); an invoice already sent is never redrawn. The status moves
through ``change_desk_invoice_status`` only: row locked, DESK_INVOICE_TRANSITIONS checked,
a DeskInvoiceEvent written.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from djmoney.money import Money

from placements import watchers
from placements.enums import DESK_INVOICE_TRANSITIONS, DeskInvoiceStatus, PlacementStatus
from placements.models import DeskInvoice, DeskInvoiceEvent, DeskInvoiceLine, Placement
from placements.rates import round_to_minor_unit
from programs.enums import DeskInvoicing
from programs.models import Intake

S = DeskInvoiceStatus
FINISHED = [PlacementStatus.COMPLETED, PlacementStatus.CUT_SHORT]


@dataclass(frozen=True)
class GenerationReport:
    created: int
    redrawn: int
    kept: int  # already sent, confirmed or paid: left as they are
    removed: int = 0  # drafts whose period no desk is used in any more


def used_days(placement, first, last):
    """(first day, last day, days) of the placement's desk use within [first, last]; None
    when it used none there. A stay still running counts up to ``last``."""
    if placement.arrived_on is None:
        return None
    start = max(placement.arrived_on, first)
    end = min(placement.departed_on or last, last)
    if end < start:
        return None
    return start, end, (end - start).days + 1


def _month(day):
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(day.year, day.month)[1])


def _months(first, last):
    """The (first, last) day of every calendar month from ``first``'s to ``last``'s."""
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(_month(day))
        day = months[-1][1] + datetime.timedelta(days=1)
    return months


def _line(placement, first, last):
    used = used_days(placement, first, last)
    if used is None:
        return None
    cost = placement.host.desk_cost_per_day
    amount = round_to_minor_unit(cost.amount * used[2], cost.currency)
    return DeskInvoiceLine(
        placement=placement,
        first_day=used[0],
        last_day=used[1],
        days=used[2],
        day_cost=cost,
        amount=Money(amount, cost.currency),
    )


def _drawn(intake, *, today):
    """{(host id, period start, placement id or None): (period end, [lines])} of every
    invoice due on ``today``."""
    placements = list(
        Placement.objects.filter(intake=intake, arrived_on__isnull=False)
        .select_related("host", "company")
        .order_by("host_id", "arrived_on", "pk")
    )
    due = {}
    if intake.desk_invoicing == DeskInvoicing.PER_PLACEMENT:
        for placement in placements:
            if placement.status in FINISHED:
                key = (placement.host_id, placement.arrived_on, placement.pk)
                line = _line(placement, placement.arrived_on, placement.departed_on)
                due[key] = (placement.departed_on, [line])
        return due
    if not placements:
        return due
    last_arrival = max(placement.arrived_on for placement in placements)
    for first, last in _months(min(p.arrived_on for p in placements), max(last_arrival, today)):
        if last >= today:  # a month is invoiced once it is over
            break
        for placement in placements:
            line = _line(placement, first, last)
            if line is not None:
                key = (placement.host_id, first, None)
                due.setdefault(key, (last, []))[1].append(line)
    return due


@transaction.atomic
def generate_desk_invoices(intake, *, today=None):
    """Draw every desk invoice of the intake that is due: new ones as drafts, drafts redrawn
    from the stays as they are now, the others kept; a draft no stay uses a desk in any
    more (a departure logged late, a stay cancelled) is removed."""
    today = today or timezone.localdate()
    # One generation per intake at a time: a second waits here, then finds the first's rows.
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    # Locked, in order: a draft sent meanwhile is then read as sent, and kept.
    existing = {
        (invoice.host_id, invoice.period_start, invoice.placement_id): invoice
        for invoice in DeskInvoice.objects.select_for_update(no_key=True)
        .filter(intake=intake)
        .order_by("pk")
    }
    created = redrawn = kept = 0
    drawn = _drawn(intake, today=today)
    for (host_id, first, placement_id), (last, lines) in drawn.items():
        invoice = existing.get((host_id, first, placement_id))
        if invoice is not None and invoice.status != S.DRAFT:
            kept += 1
            continue
        if invoice is None:
            invoice = DeskInvoice(
                intake=intake, host_id=host_id, placement_id=placement_id, period_start=first
            )
            created += 1
        else:
            invoice.lines.all().delete()
            redrawn += 1
        currency = lines[0].day_cost.currency
        invoice.period_end = last
        invoice.days = sum(line.days for line in lines)
        invoice.total = Money(sum(line.amount.amount for line in lines), currency)
        invoice.save()
        for line in lines:
            line.invoice = invoice
        DeskInvoiceLine.objects.bulk_create(lines)
    gone = [
        invoice.pk
        for key, invoice in existing.items()
        if key not in drawn and invoice.status == S.DRAFT
    ]
    DeskInvoice.objects.filter(pk__in=gone).delete()
    return GenerationReport(created=created, redrawn=redrawn, kept=kept, removed=len(gone))


def generate_all_desk_invoices(*, today=None):
    """The daily job: every intake with a placement that began."""
    intakes = Intake.objects.filter(placements__arrived_on__isnull=False).distinct()
    for intake in intakes:
        generate_desk_invoices(intake, today=today)


def change_desk_invoice_status(invoice, *, to, by, note="", fields=()):
    """The one way an invoice's status changes: ``invoice`` is a row the caller locked in its
    transaction; checked against DESK_INVOICE_TRANSITIONS, saved with the other ``fields``
    the caller set, and recorded in a DeskInvoiceEvent."""
    check_can_become(invoice, to)
    event = DeskInvoiceEvent(
        invoice=invoice, actor=by, from_status=invoice.status, to_status=to, note=note
    )
    paid = S.PAID in (invoice.status, to)
    invoice.status = to
    invoice.version += 1
    invoice.save(update_fields=["status", "version", "updated_at", *fields])
    event.save()
    if paid:
        watchers.intakes_changed([invoice.intake_id])
    return invoice


def check_can_become(invoice, to):
    if to not in DESK_INVOICE_TRANSITIONS[invoice.status]:
        raise ValidationError(
            _("A desk invoice that is %(current)s cannot become %(target)s.")
            % {"current": S(invoice.status).label.lower(), "target": S(to).label.lower()}
        )


def _lock(invoice):
    return (
        DeskInvoice.objects.select_for_update(of=("self",), no_key=True)
        .select_related("intake", "host")
        .get(pk=invoice.pk)
    )


@transaction.atomic
def send_desk_invoice(invoice, *, by):
    """The manager sends a draft to the host's partner, who may then read and confirm it."""
    return change_desk_invoice_status(_lock(invoice), to=S.SENT, by=by)


@transaction.atomic
def confirm_desk_invoice(invoice, *, by):
    """The host's partner confirms the desk-days and the amount."""
    return change_desk_invoice_status(_lock(invoice), to=S.CONFIRMED, by=by)


@transaction.atomic
def pay_desk_invoice(invoice, *, by, paid_on, reference):
    """Finance (for now the intake's manager or the director) records the payment."""
    reference = reference.strip()
    if not reference:
        raise ValidationError(_("Give the payment's reference."))
    if paid_on > timezone.localdate():
        raise ValidationError(_("A payment cannot be dated after today."))
    invoice = _lock(invoice)
    check_can_become(invoice, S.PAID)
    invoice.paid_on, invoice.payment_reference = paid_on, reference
    note = _("Paid on %(date)s, reference %(reference)s") % {
        "date": date_format(paid_on),
        "reference": reference,
    }
    return change_desk_invoice_status(
        invoice, to=S.PAID, by=by, note=note, fields=["paid_on", "payment_reference"]
    )
