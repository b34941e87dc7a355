"""Host desk invoices: the desk-days each firm actually used, at the host's desk cost per day.

A desk-day is a day from the firm's arrival to its departure, both counted (the desk is the
firm's until the departure day; see Placement.desk_until). A stay cut short is invoiced up to
its departure; a cancelled stay or one not yet begun uses none. The intake chooses
(Intake.desk_invoicing) one invoice per host per calendar month, drawn once the month is
over, or one per placement, drawn once the firm has left. Amounts are in the currency the
host's desk cost is set in (HostIncubator.desk_cost_per_day), copied onto each line when it
is drawn.

A desk-day is invoiced once: every invoice draws only the days no invoice already sent
(sent, confirmed or paid) holds for that placement, whatever its kind. So an intake that
switches from monthly invoices to one per placement (or back) invoices only what the sent
ones left, and an arrival logged after its month's invoice was sent goes on a supplementary
invoice of that month (``DeskInvoice.supplement`` 1, 2 ...).

``generate_desk_invoices`` is the one writer of invoices and their lines: run by the daily
beat job and by the manager's button, it creates what is due and redraws drafts (a departure
logged late changes a draft); an invoice already sent is never redrawn. Sending redraws the
draft once more, in the sending transaction, so what the host receives is the stays as they
are then. The status moves through ``change_desk_invoice_status`` only: row locked,
DESK_INVOICE_TRANSITIONS checked, a DeskInvoiceEvent written.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from placements import watchers
from placements.enums import (
    DESK_INVOICE_TRANSITIONS,
    DeskInvoiceNote,
    DeskInvoiceStatus,
    PlacementStatus,
)
from placements.models import DeskInvoice, DeskInvoiceEvent, DeskInvoiceLine, Placement
from placements.rates import round_to_minor_unit
from programs.enums import DeskInvoicing
from programs.models import Intake
from programs.services import money_snapshot

S = DeskInvoiceStatus
FINISHED = [PlacementStatus.COMPLETED, PlacementStatus.CUT_SHORT]
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class GenerationReport:
    created: int
    redrawn: int
    kept: int  # already sent, confirmed or paid: left as they are
    removed: int = 0  # drafts whose period no desk is used in any more, or all sent already
    supplements: int = 0  # of those created: desk-days that invoices already sent left out


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
        day = months[-1][1] + ONE_DAY
    return months


def _invoiced(intake):
    """{placement id: [(first day, last day) ...]}: the desk-days the intake's invoices
    already sent hold (a draft holds none: it is redrawn)."""
    held = defaultdict(list)
    rows = (
        DeskInvoiceLine.objects.filter(invoice__intake=intake)
        .exclude(invoice__status=S.DRAFT)
        .values_list("placement_id", "first_day", "last_day")
    )
    for placement_id, first, last in rows:
        held[placement_id].append((first, last))
    return held


def _not_invoiced(first, last, held):
    """The runs (first, last) of the days within [first, last] that no range of ``held``
    holds."""
    runs, day = [], first
    for start, end in sorted(held):
        if start > day and day <= last:
            runs.append((day, min(start - ONE_DAY, last)))
        day = max(day, end + ONE_DAY)
    if day <= last:
        runs.append((day, last))
    return runs


def _lines(placement, first, last, held):
    """The lines of the placement's desk-days within [first, last] not invoiced yet."""
    used = used_days(placement, first, last)
    if used is None:
        return []
    cost = placement.host.desk_cost_per_day
    lines = []
    for start, end in _not_invoiced(used[0], used[1], held.get(placement.pk, ())):
        days = (end - start).days + 1
        amount = round_to_minor_unit(cost.amount * days, cost.currency)
        lines.append(
            DeskInvoiceLine(
                placement=placement,
                first_day=start,
                last_day=end,
                days=days,
                day_cost=cost,
                amount=Money(amount, cost.currency),
            )
        )
    return lines


def _key(invoice):
    """Which invoices are one period's: a host's month, or a placement's stay."""
    if invoice.placement_id is not None:
        return (invoice.host_id, None, invoice.placement_id)
    return (invoice.host_id, invoice.period_start, None)


def _drawn(intake, *, today, held):
    """{(host id, month's first day or None, placement id or None): (period start, period
    end, [lines])} of every period due on ``today`` in which a desk was used; the lines
    hold only the days not invoiced yet (none: all were)."""
    placements = list(
        Placement.objects.filter(intake=intake, arrived_on__isnull=False)
        .select_related("host", "company")
        .order_by("host_id", "arrived_on", "pk")
    )
    due = {}
    if intake.desk_invoicing == DeskInvoicing.PER_PLACEMENT:
        for placement in placements:
            if placement.status in FINISHED:
                lines = _lines(placement, placement.arrived_on, placement.departed_on, held)
                first, last = placement.arrived_on, placement.departed_on
                if lines:  # what is left to invoice, when sent invoices hold the rest
                    first, last = lines[0].first_day, lines[-1].last_day
                due[(placement.host_id, None, placement.pk)] = (first, last, lines)
        return due
    if not placements:
        return due
    last_arrival = max(placement.arrived_on for placement in placements)
    for first, last in _months(min(p.arrived_on for p in placements), max(last_arrival, today)):
        if last >= today:  # a month is invoiced once it is over
            break
        for placement in placements:
            if used_days(placement, first, last) is not None:
                key = (placement.host_id, first, None)
                due.setdefault(key, (first, last, []))[2].extend(
                    _lines(placement, first, last, held)
                )
    return due


def _write(invoice, first, last, lines):
    """Save ``invoice`` with these lines (replacing a draft's), its days and total."""
    if invoice.pk is not None:
        invoice.lines.all().delete()
    currency = lines[0].day_cost.currency
    invoice.period_start, invoice.period_end = first, last
    invoice.days = sum(line.days for line in lines)
    invoice.total = Money(sum(line.amount.amount for line in lines), currency)
    invoice.save()
    for line in lines:
        line.invoice = invoice
    DeskInvoiceLine.objects.bulk_create(lines)


@transaction.atomic
def generate_desk_invoices(intake, *, today=None):
    """Draw every desk invoice of the intake that is due: new ones as drafts, drafts redrawn
    from the stays as they are now, the others kept; a draft no stay uses a desk in any
    more (a departure logged late, a stay cancelled), or whose days invoices already sent
    hold, is removed. Days a sent invoice of the period left out (an arrival logged after
    it was sent) go on a supplementary invoice of that period."""
    today = today or timezone.localdate()
    # One generation per intake at a time: a second waits here, then finds the first's rows.
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    # Locked, in order: a draft sent meanwhile is then read as sent, and kept.
    existing = defaultdict(list)
    for invoice in (
        DeskInvoice.objects.select_for_update(no_key=True).filter(intake=intake).order_by("pk")
    ):
        existing[_key(invoice)].append(invoice)
    created = redrawn = kept = supplements = 0
    gone = []
    drawn = _drawn(intake, today=today, held=_invoiced(intake))
    for key, (first, last, lines) in drawn.items():
        invoices = existing.get(key, [])
        draft = next((invoice for invoice in invoices if invoice.status == S.DRAFT), None)
        kept += sum(1 for invoice in invoices if invoice.status != S.DRAFT)
        if not lines:
            if draft is not None:
                gone.append(draft.pk)
            continue
        if draft is None:
            number = max((invoice.supplement + 1 for invoice in invoices), default=0)
            draft = DeskInvoice(
                intake=intake, host_id=key[0], placement_id=key[2], supplement=number
            )
            created += 1
            supplements += number > 0
        else:
            redrawn += 1
        _write(draft, first, last, lines)
    gone += [
        invoice.pk
        for key, invoices in existing.items()
        if key not in drawn
        for invoice in invoices
        if invoice.status == S.DRAFT
    ]
    DeskInvoice.objects.filter(pk__in=gone).delete()
    return GenerationReport(
        created=created,
        redrawn=redrawn,
        kept=kept,
        removed=len(gone),
        supplements=supplements,
    )


def generate_all_desk_invoices(*, today=None):
    """The daily job: every intake with a placement that began."""
    intakes = Intake.objects.filter(placements__arrived_on__isnull=False).distinct()
    for intake in intakes:
        generate_desk_invoices(intake, today=today)


def change_desk_invoice_status(
    invoice, *, to, by, note="", note_code="", note_values=None, fields=()
):
    """The one way an invoice's status changes: ``invoice`` is a row the caller locked in its
    transaction; checked against DESK_INVOICE_TRANSITIONS, saved with the other ``fields``
    the caller set, and recorded in a DeskInvoiceEvent. A note of the portal's own is a
    ``note_code`` (DeskInvoiceNote) and its ``note_values``, written in the reader's language
    when read; ``note`` is what a person typed."""
    check_can_become(invoice, to)
    event = DeskInvoiceEvent(
        invoice=invoice,
        actor=by,
        from_status=invoice.status,
        to_status=to,
        note=note,
        note_code=note_code,
        note_values=note_values or {},
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


def _redraw(invoice):
    """Redraw a draft (locked) from the stays as they are now; the values of the note saying
    what changed (DeskInvoiceNote.REDRAWN), or None when nothing did. Refused when no
    desk-day of it is left to invoice."""
    held = _invoiced(invoice.intake)
    if invoice.placement_id is None:
        first, last = invoice.period_start, invoice.period_end
        placements = (
            Placement.objects.filter(
                intake_id=invoice.intake_id, host_id=invoice.host_id, arrived_on__isnull=False
            )
            .select_related("host")
            .order_by("arrived_on", "pk")
        )
        lines = [line for placement in placements for line in _lines(placement, first, last, held)]
    else:
        placement = Placement.objects.select_related("host").get(pk=invoice.placement_id)
        lines = []
        if placement.status in FINISHED:
            lines = _lines(placement, placement.arrived_on, placement.departed_on, held)
        if lines:
            first, last = lines[0].first_day, lines[-1].last_day
    if not lines:
        raise ValidationError(
            _(
                "The stays changed since this draft was drawn, and none of its desk-days is "
                "left to invoice. Draw the invoices due now: the draft will be removed."
            )
        )
    fields = ["placement_id", "first_day", "last_day", "days", "amount", "amount_currency"]
    drawn = [
        (
            line.placement_id,
            line.first_day,
            line.last_day,
            line.days,
            line.amount.amount,
            str(line.amount.currency),
        )
        for line in lines
    ]
    if sorted(drawn) == sorted(invoice.lines.values_list(*fields)):
        return None
    before = {"before_days": invoice.days, "before_total": money_snapshot(invoice.total)}
    _write(invoice, first, last, lines)
    return {**before, "days": invoice.days, "total": money_snapshot(invoice.total)}


@transaction.atomic
def send_desk_invoice(invoice, *, by):
    """The manager sends a draft to the host's partner, who may then read and confirm it.
    The draft is redrawn from the stays first, in this transaction: a departure or an
    arrival logged since it was drawn is what the host receives (the event's note says
    so)."""
    # The intake first, as generate_desk_invoices locks it: a generation waits, then reads
    # this invoice as sent.
    Intake.objects.select_for_update(no_key=True).filter(pk=invoice.intake_id).first()
    invoice = _lock(invoice)
    check_can_become(invoice, S.SENT)
    redrawn = _redraw(invoice)
    return change_desk_invoice_status(
        invoice,
        to=S.SENT,
        by=by,
        note_code=DeskInvoiceNote.REDRAWN if redrawn else "",
        note_values=redrawn,
    )


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
    return change_desk_invoice_status(
        invoice,
        to=S.PAID,
        by=by,
        note_code=DeskInvoiceNote.PAID,
        note_values={"date": paid_on.isoformat(), "reference": reference},
        fields=["paid_on", "payment_reference"],
    )
