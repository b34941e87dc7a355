"""Host desk invoices: the intake's managers draw, send and record the payment of them; the
host's partner reads and confirms them. Someone else's invoice is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from djmoney.money import Money

from placements import desk_invoices, queries
from placements.enums import DESK_INVOICE_TRANSITIONS, DeskInvoiceStatus
from portal.access import require
from portal.decorators import only_reads
from portal.downloads import csv_download
from portal.feedback import attempt, form_refused, refused, written
from portal.filterbar import filter_fields
from portal.paging import PAGE_SIZE
from portal.rows import labels
from programs.access import managed_intake

S = DeskInvoiceStatus


class StatusFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *DeskInvoiceStatus.choices],
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=gettext_lazy("Payment reference"), max_length=100)

    def clean_paid_on(self):
        # Said next to the day typed (the service refuses it too).
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise ValidationError(_("A payment cannot be dated after today."))
        return paid_on


@only_reads
@login_required
@require_GET
def intake_invoices(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    return _list(
        request,
        queries.desk_invoices_of_intake(intake),
        name=f"intake-{intake.pk}-desk-invoices.csv",
        context={"intake": intake},
    )


@only_reads
@login_required
@require_GET
def partner_invoices(request):
    return _list(
        request,
        queries.desk_invoices_for_partner(request.user),
        name="desk-invoices.csv",
        context={"intake": None},
    )


def _list(request, invoices, *, name, context):
    filters = StatusFilter(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    listed = queries.desk_invoices_listed(invoices, status=status)
    if request.GET.get("format") == "csv":
        return _csv(listed, name)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/desk_invoices/list.html",
        {
            **context,
            "filter_fields": filter_fields(filters),
            "csv_query": query.urlencode(),
            "query": query.urlencode(),
            "page": page,
            "rows": _rows(page.object_list),
        },
    )


def _rows(values):
    statuses = labels(DeskInvoiceStatus)
    return [
        {
            "pk": value["pk"],
            "host": value["host__name"],
            "intake": value["intake__title"],
            "firm": value["placement__company__name"] or "",
            "period": f"{date_format(value['period_start'])} – {date_format(value['period_end'])}",
            "days": value["days"],
            "total": str(Money(value["total"], value["total_currency"])),
            "status": statuses[value["status"]],
        }
        for value in values
    ]


def _csv(listed, name):
    header = [_("Invoice"), _("Host incubator"), _("Intake"), _("Firm"), _("From"), _("To"),
              _("Desk-days"), _("Total"), _("Currency"), _("Status"), _("Status code"),
              _("Paid on"), _("Payment reference")]  # fmt: skip
    statuses = labels(DeskInvoiceStatus)

    rows = (
        [value["pk"], value["host__name"], value["intake__title"],
         value["placement__company__name"], value["period_start"].isoformat(),
         value["period_end"].isoformat(), value["days"], f"{value['total']:.2f}",
         value["total_currency"], statuses[value["status"]], value["status"],
         value["paid_on"].isoformat() if value["paid_on"] else "", value["payment_reference"]]
        for value in listed.iterator(chunk_size=500)
    )  # fmt: skip
    return csv_download(name, header, rows)


@login_required
@require_POST
def generate(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    report = desk_invoices.generate_desk_invoices(intake)
    messages.success(
        request,
        _(
            "%(created)s new invoices drawn, %(redrawn)s drafts redrawn, %(removed)s drafts "
            "removed (no desk used in their period any more), %(kept)s already sent."
        )
        % {
            "created": report.created,
            "redrawn": report.redrawn,
            "removed": report.removed,
            "kept": report.kept,
        },
    )
    if report.supplements:
        messages.info(
            request,
            ngettext(
                "%(count)s of the new invoices is supplementary: desk-days the invoices "
                "already sent left out (a stay logged after its period was invoiced).",
                "%(count)s of the new invoices are supplementary: desk-days the invoices "
                "already sent left out (stays logged after their period was invoiced).",
                report.supplements,
            )
            % {"count": report.supplements},
        )
    return redirect("desk_invoices:intake", intake_pk=intake.pk)


def _invoice(request, pk, permission="placements.view_deskinvoice"):
    user = request.user
    return require(
        user,
        "placements.view_deskinvoice",
        queries.desk_invoices_visible_to(user),
        act=permission,
        pk=pk,
    )


@login_required
@require_GET
def invoice_detail(request, pk):
    return _detail_page(request, _invoice(request, pk))


def _detail_page(request, invoice, *, status=200, payment=None):
    """The invoice's page; a payment refused (``payment``, the bound form) is drawn again
    as typed, each reason by its field, rather than lost to a redirect."""
    user = request.user
    allowed = DESK_INVOICE_TRANSITIONS[invoice.status]
    return render(
        request,
        "placements/desk_invoices/detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.select_related("placement__company"),
            "events": invoice.events.select_related("actor"),
            "can_send": S.SENT in allowed and user.has_perm("placements.send_deskinvoice", invoice),
            "can_confirm": S.CONFIRMED in allowed
            and user.has_perm("placements.confirm_deskinvoice", invoice),
            "can_pay": S.PAID in allowed and user.has_perm("placements.pay_deskinvoice", invoice),
            "payment": payment or PaymentForm(initial={"paid_on": timezone.localdate()}),
        },
        status=status,
    )


def _act(request, pk, permission, action, done):
    invoice = _invoice(request, pk, permission)
    attempt(request, action, done, invoice)
    return redirect("desk_invoices:detail", pk=invoice.pk)


@login_required
@require_POST
def send(request, pk):
    invoice = _invoice(request, pk, "placements.send_deskinvoice")
    shown = (invoice.days, invoice.total)
    try:
        sent = desk_invoices.send_desk_invoice(invoice, by=request.user)
    except ValidationError as error:
        refused(request, error)
    else:
        if (sent.days, sent.total) == shown:
            messages.success(request, _("The invoice is sent to the host's partner."))
        else:  # redrawn from the stays: not what the page showed
            messages.warning(
                request,
                _(
                    "The stays changed since this draft was drawn: it was redrawn to "
                    "%(days)s desk-days, %(total)s, and sent to the host's partner."
                )
                % {"days": sent.days, "total": sent.total},
            )
    return redirect("desk_invoices:detail", pk=invoice.pk)


@login_required
@require_POST
def confirm(request, pk):
    return _act(
        request,
        pk,
        "placements.confirm_deskinvoice",
        lambda invoice: desk_invoices.confirm_desk_invoice(invoice, by=request.user),
        _("You confirmed the invoice."),
    )


@login_required
@require_POST
def pay(request, pk):
    """Record the payment; a refusal (a day to come, no reference) draws the invoice's page
    again with the day and reference as typed and why (400). An invoice that can no longer
    be paid (paid meanwhile, a second click) has no form to draw again: the reasons are
    told above its page."""
    invoice = _invoice(request, pk, "placements.pay_deskinvoice")
    form = PaymentForm(request.POST)
    if written(form, lambda data: desk_invoices.pay_desk_invoice(invoice, by=request.user, **data)):
        messages.success(request, _("The payment is recorded."))
        return redirect("desk_invoices:detail", pk=invoice.pk)
    invoice.refresh_from_db()
    if S.PAID not in DESK_INVOICE_TRANSITIONS[invoice.status]:
        form_refused(request, form)
        return redirect("desk_invoices:detail", pk=invoice.pk)
    return _detail_page(request, invoice, status=400, payment=form)
