"""The money pages: a placement's award and its tranches, the firm's expense claims, and the
intake's ledger for its managers. Objects come from the visibility querysets of
placements.ledger (someone else's is a 404); a visible but forbidden action is a 403."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from placements import ledger, money_history, stipends
from placements import money_forms as forms
from placements.enums import (
    AWARD_TRANSITIONS,
    CANCELLABLE_TRANCHES,
    CLAIM_TRANSITIONS,
    TRANCHE_TRANSITIONS,
    AwardStatus,
    ClaimStatus,
    PlacementStatus,
    TrancheName,
    TrancheStatus,
)
from placements.models import tranche_name
from placements.queries import placements_visible_to
from portal.access import require
from portal.dates import day_writer
from portal.decorators import only_reads
from portal.downloads import csv_download
from portal.feedback import attempt, form_refused, refused
from portal.forms import SentOnce
from portal.paging import PAGE_SIZE, Counted
from portal.rows import labels
from programs.access import managed_intake

A, T, C = AwardStatus, TrancheStatus, ClaimStatus


# --- Awards --------------------------------------------------------------------------------


@login_required
def my_awards(request):
    """The stipend awards of the person's firms, with their claims' pages a click away, and
    what is left to claim on each while claims are made on it."""
    awards = ledger.firm_awards(request.user).order_by("-pk")
    rows = [
        (award, stipends.left_of(award, award.in_tranches) if award.open_for_claims else None)
        for award in awards
    ]
    return render(request, "placements/money/my_awards.html", {"awards": rows})


@login_required
def propose(request, placement_pk):
    placement = require(
        request.user,
        "placements.view_placement",
        placements_visible_to(request.user).select_related("offer__application"),
        act="placements.manage_placement",
        pk=placement_pk,
    )
    award = ledger.awards_visible_to(request.user).filter(placement=placement).first()
    # A cancelled award may be proposed again (stipends.propose_award); any other is shown.
    if award is not None and A.PROPOSED not in AWARD_TRANSITIONS[award.status]:
        return redirect("money:award", award.pk)
    currency = stipends.program_currency(placement.intake)
    proposed = stipends.proposed_amount(placement)
    form = forms.AmountForm(
        request.POST or None, currency=currency, initial={"amount": proposed.amount}
    )
    if request.method == "POST" and form.is_valid():
        try:
            award = stipends.propose_award(placement, by=request.user, amount=form.money())
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("The award is proposed."))
            return redirect("money:award", award.pk)
    pool, committed, left = stipends.pool_figures(placement.intake)
    return render(
        request,
        "placements/money/propose.html",
        {
            "placement": placement,
            "form": form,
            "proposed": proposed,
            "pool": pool,
            "committed": committed,
            "left": left,
            "warning": stipends.pool_warning(placement.intake, proposed),
        },
    )


@login_required
def award_detail(request, pk):
    award = require(
        request.user,
        "placements.view_stipendaward",
        ledger.awards_visible_to(request.user),
        act="placements.view_stipendaward",
        pk=pk,
    )
    return _award_page(request, award)


def _award_page(request, award, *, status=200, **refused_forms):
    """The award's page; a decision refused (its amount, its reason) is drawn again as
    typed, each reason by its field, rather than lost to a redirect."""
    manages = request.user.has_perm("placements.manage_stipendaward", award)
    currency = stipends.program_currency(award.intake)
    next_statuses = AWARD_TRANSITIONS[award.status]
    return render(
        request,
        "placements/money/award.html",
        {
            "award": award,
            "manages": manages,
            "can_claim": request.user.has_perm("placements.claim_stipendaward", award),
            "claimable": award.open_for_claims,
            "left": stipends.left_to_claim(award),
            "start_form": SentOnce(),
            "next": next_statuses,
            "propose_again": A.PROPOSED in next_statuses
            and award.placement.status != PlacementStatus.CANCELLED,
            "tranches": award.tranches.order_by("position", "pk"),
            "claims": award.claims.order_by("pk"),
            "history": money_history.rows(ledger.award_history(award)),
            "amount_form": forms.AmountForm(
                currency=currency, initial={"amount": award.amount.amount}
            ),
            "reduce_form": forms.ReduceForm(currency=currency),
            "reason_form": forms.ReasonForm(),
            "warning": stipends.pool_warning(award.intake, award.amount, exclude=award)
            if manages and award.status == A.PROPOSED
            else "",
        }
        | refused_forms,
        status=status,
    )


AWARD_ACTIONS = ["award", "reduce", "cancel", "close"]


@login_required
@require_POST
def award_action(request, pk, action):
    if action not in AWARD_ACTIONS:
        raise Http404
    award = require(
        request.user,
        "placements.view_stipendaward",
        ledger.awards_visible_to(request.user),
        act="placements.manage_stipendaward",
        pk=pk,
    )
    currency = stipends.program_currency(award.intake)
    by = request.user
    if action == "close":
        attempt(request, stipends.close_award, _("The award is closed."), award, by=by)
        return redirect("money:award", award.pk)
    if action == "award":
        key, form = "amount_form", forms.AmountForm(request.POST, currency=currency)
        done = form.is_valid() and attempt(
            request, stipends.award_stipend, _("The stipend is awarded."), award, by=by,
            amount=form.money(),
        )  # fmt: skip
    elif action == "reduce":
        key, form = "reduce_form", forms.ReduceForm(request.POST, currency=currency)
        done = form.is_valid() and attempt(
            request, stipends.reduce_award, _("The award is reduced."), award, by=by,
            amount=form.money(), reason=form.cleaned_data["reason"],
        )  # fmt: skip
    else:
        key, form = "reason_form", forms.ReasonForm(request.POST)
        done = form.is_valid() and attempt(
            request, stipends.cancel_award, _("The award is cancelled."), award, by=by,
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    if done:
        return redirect("money:award", award.pk)
    form_refused(request, form)
    # Drawn again as typed, from the award as it is now.
    award = ledger.awards_visible_to(request.user).get(pk=award.pk)
    return _award_page(request, award, status=400, **{key: form})


# --- Tranches ------------------------------------------------------------------------------


@login_required
def tranche_detail(request, pk):
    tranche = require(
        request.user,
        "placements.view_tranche",
        ledger.tranches_visible_to(request.user),
        act="placements.view_tranche",
        pk=pk,
    )
    return render(
        request,
        "placements/money/tranche.html",
        {
            "tranche": tranche,
            "award": tranche.award,
            "manages": request.user.has_perm("placements.manage_tranche", tranche),
            "next": TRANCHE_TRANSITIONS[tranche.status],
            "stopped": tranche.status in (T.FAILED, T.CANCELLED),
            "cancellable": tranche.status in CANCELLABLE_TRANCHES,
            "history": money_history.rows(ledger.history_of(tranche=tranche)),
            "payment_form": forms.PaymentForm(),
            "reason_form": forms.ReasonForm(),
        },
    )


@login_required
@require_POST
def tranche_action(request, pk, action):
    if action not in ["approve", "pay", "fail", "cancel"]:
        raise Http404
    tranche = require(
        request.user,
        "placements.view_tranche",
        ledger.tranches_visible_to(request.user),
        act="placements.manage_tranche",
        pk=pk,
    )
    by = request.user
    if action == "approve":
        attempt(request, stipends.approve_tranche, _("The payment is approved."), tranche, by=by)
    elif action == "pay":
        form = forms.PaymentForm(request.POST)
        if form.is_valid():
            attempt(request, stipends.pay_tranche, _("The payment is recorded."), tranche, by=by,
                  **form.cleaned_data)  # fmt: skip
        else:
            form_refused(request, form)
    else:
        form = forms.ReasonForm(request.POST)
        write, done = {
            "fail": (stipends.fail_tranche, _("The payment is marked failed.")),
            "cancel": (stipends.cancel_tranche, _("The payment is cancelled.")),
        }[action]
        if form.is_valid():
            attempt(request, write, done, tranche, by=by, reason=form.cleaned_data["reason"])
        else:
            form_refused(request, form)
    return redirect("money:tranche", tranche.pk)


# --- Claims --------------------------------------------------------------------------------


@login_required
@require_POST
def claim_new(request, award_pk):
    award = require(
        request.user,
        "placements.view_stipendaward",
        ledger.awards_visible_to(request.user),
        act="placements.claim_stipendaward",
        pk=award_pk,
    )
    form = SentOnce(request.POST)
    once = form.cleaned_data["once"] if form.is_valid() else ""
    try:
        claim = stipends.start_claim(award, by=request.user, once=once)
    except ValidationError as error:
        refused(request, error)
        return redirect("money:award", award.pk)
    if claim is None:  # the same form sent again: the claim it started
        claim = (
            ledger.claims_visible_to(request.user)
            .filter(award=award, created_by=request.user)
            .order_by("-pk")
            .first()
        )
        if claim is None:
            return redirect("money:award", award.pk)
    return redirect("money:claim", claim.pk)


def _claim(request, pk, permission):
    return require(
        request.user,
        "placements.view_expenseclaim",
        ledger.claims_visible_to(request.user),
        act=permission,
        pk=pk,
    )


@login_required
def claim_detail(request, pk):
    claim = _claim(request, pk, "placements.view_expenseclaim")
    line_form = forms.ClaimLineForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.has_perm("placements.edit_expenseclaim", claim):
            raise PermissionDenied
        if line_form.is_valid():
            if attempt(request, stipends.add_claim_line, _("The expense is added."), claim,
                     by=request.user, **line_form.cleaned_data):  # fmt: skip
                return redirect("money:claim", claim.pk)
        else:
            form_refused(request, line_form)
        if request.FILES:
            # A browser never sends a file back: the receipt chosen must be chosen again.
            messages.warning(request, _("Attach the receipt again before you add the expense."))
    return _claim_page(request, claim, line_form=line_form)


def _claim_page(request, claim, *, line_form=None, approval_form=None):
    """The claim's page; a form refused (the firm's new line, the manager's decision) is drawn
    again as typed, each reason next to its field, rather than lost to a redirect."""
    lines = list(claim.lines.order_by("on", "pk"))
    return render(
        request,
        "placements/money/claim.html",
        {
            "claim": claim,
            "award": claim.award,
            "left": stipends.left_to_claim(claim.award),
            "lines": lines,
            "editable": request.user.has_perm("placements.edit_expenseclaim", claim),
            "manages": request.user.has_perm("placements.manage_expenseclaim", claim),
            "next": CLAIM_TRANSITIONS[claim.status],
            # The refusal's reason shows while it applies: changes asked, or rejected.
            "refused": claim.status in (C.CHANGES_REQUESTED, C.REJECTED),
            "line_form": line_form or forms.ClaimLineForm(),
            "approval_form": approval_form or forms.ApprovalForm(lines=lines),
            "payment_form": forms.PaymentForm(),
            "history": money_history.rows(ledger.history_of(claim=claim)),
        },
    )


@login_required
@require_POST
def claim_action(request, pk, action):
    by = request.user
    if action == "submit":
        claim = _claim(request, pk, "placements.edit_expenseclaim")
        attempt(request, stipends.submit_claim, _("The claim is submitted."), claim, by=by)
        return redirect("money:claim", claim.pk)
    if action not in ["approve", "changes", "reject", "pay"]:
        raise Http404
    claim = _claim(request, pk, "placements.manage_expenseclaim")
    if action == "pay":
        form = forms.PaymentForm(request.POST)
        if form.is_valid():
            attempt(request, stipends.pay_claim, _("The payment is recorded."), claim, by=by,
                  **form.cleaned_data)  # fmt: skip
        else:
            form_refused(request, form)
        return redirect("money:claim", claim.pk)
    # A decision refused keeps what the manager typed (each line's amount and note, and the
    # note): the page is drawn again with the form, the reasons above it and by each line.
    form = forms.ApprovalForm(request.POST, lines=list(claim.lines.order_by("on", "pk")))
    if action == "approve":
        if not form.is_valid():
            form_refused(request, form)
            return _claim_page(request, claim, approval_form=form)
        try:
            decided = stipends.approve_claim(
                claim,
                by=by,
                approved=form.approved(),
                notes=form.notes(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            refused(request, error)
            return _claim_page(request, claim, approval_form=form)
        # Every line refused at 0 ends the claim rejected: nothing to pay.
        if decided.status == C.APPROVED:
            messages.success(request, _("The claim is approved."))
        else:
            messages.success(request, _("Nothing was approved: the claim is rejected."))
        return redirect("money:claim", claim.pk)
    form.is_valid()
    # The amounts may be left out to send a claim back or reject it, not the words: a note
    # refused (too long) sends nothing back rather than drop it without a word.
    if form_refused(request, form, fields=["note"]):
        return _claim_page(request, claim, approval_form=form)
    reason = form.cleaned_data.get("note", "")
    if action == "changes":
        # An amount mistyped sends nothing back: the lines' amounts would be dropped unseen.
        if form_refused(request, form, fields=form.mistyped()):
            return _claim_page(request, claim, approval_form=form)
        done = attempt(
            request, stipends.request_changes, _("The firm is asked for changes."), claim,
            by=by, reason=reason, notes=form.notes(), approved=form.approved_given(),
        )  # fmt: skip
    else:
        done = attempt(request, stipends.reject_claim, _("The claim is rejected."), claim, by=by,
                       reason=reason)  # fmt: skip
    if not done:
        return _claim_page(request, claim, approval_form=form)
    return redirect("money:claim", claim.pk)


@login_required
@require_POST
def line_remove(request, pk, line_pk):
    claim = _claim(request, pk, "placements.edit_expenseclaim")
    line = get_object_or_404(claim.lines.all(), pk=line_pk)
    attempt(
        request, stipends.remove_claim_line, _("The expense is removed."), line, by=request.user
    )
    return redirect("money:claim", claim.pk)


@login_required
def receipt(request, pk, line_pk):
    claim = _claim(request, pk, "placements.view_expenseclaim")
    line = get_object_or_404(claim.lines.all(), pk=line_pk)
    return FileResponse(
        line.receipt.open("rb"),
        as_attachment=True,
        filename=line.receipt_name,
        content_type=line.receipt_type,
    )


# --- The intake's ledger -------------------------------------------------------------------

LIST_TITLES = {
    "unawarded": gettext_lazy("Placements without an award"),
    "awards": gettext_lazy("Awards"),
    "tranches": gettext_lazy("Tranches"),
    "claims": gettext_lazy("Expense claims"),
    "desk_invoices": gettext_lazy("Desk invoices"),
}


# The days a ledger list shows, written once per distinct day of the page.
LEDGER_DAYS = ("paid_on", "period_start", "period_end", "starts_on", "ends_on")


def _ledger_rows(kind, enum, values):
    """A page of a ledger list for the template: each row's status in words, its days
    written, a tranche's name and a claim's title ("Claim 12"), each translated once for
    the page."""
    status_labels = labels(enum)
    write_day = day_writer()
    claim_title = _("Claim %(number)s") if kind == "claims" else ""
    names = labels(TrancheName)
    return [
        {
            **row,
            **_named(row, names),
            "status_label": status_labels[row["status"]],
            **{column: write_day(row[column]) for column in LEDGER_DAYS if column in row},
            "title": claim_title % {"number": row["pk"]} if claim_title else "",
        }
        for row in values
    ]


def _named(row, names):
    """A tranche's row with its name in the reader's language (models.tranche_name)."""
    if "label_code" not in row:
        return {}
    return {"label": tranche_name(row["label"], row["label_code"], names)}


@only_reads
@login_required
def intake_ledger(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    kind = request.GET.get("list", "awards")
    if kind not in ledger.LISTS:
        raise Http404
    enum = ledger.LISTS[kind][3]
    statuses = [value for value in request.GET.getlist("status") if value in enum.values]
    currency = request.GET.get("currency", "")[:3]
    rows = ledger.ledger_list(intake, kind, statuses, currency)
    if request.GET.get("format") == "csv":
        return _ledger_csv(intake, kind, rows)
    figures = ledger.ledger_figures(intake)
    # The awards', tranches' and claims' lists take their total from the figures' counts by
    # status (no count query); the others count their rows.
    total = ledger.listed_total(figures, kind, statuses)
    page = Paginator(rows if total is None else Counted(rows, total), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/money/ledger.html",
        {
            "intake": intake,
            "figures": figures,
            "kind": kind,
            "kinds": [(key, str(title)) for key, title in LIST_TITLES.items()],
            "statuses": statuses,
            "page": page,
            "rows": _ledger_rows(kind, enum, page.object_list),
            "query": query.urlencode(),
        },
    )


# Each ledger list's CSV header, one per column of ledger.LISTS, in the reader's language;
# the status is written in words, and its code follows in a column of its own ("Status
# code"), as in the portal's other CSV files.
CSV_HEADERS = {
    "unawarded": [gettext_lazy("Stay"), gettext_lazy("Company"), gettext_lazy("Host"),
                  gettext_lazy("Start"), gettext_lazy("End"), gettext_lazy("Status")],
    "awards": [gettext_lazy("Award"), gettext_lazy("Company"), gettext_lazy("Host"),
               gettext_lazy("Amount"), gettext_lazy("Currency"),
               gettext_lazy("Approved in claims"), gettext_lazy("Status")],
    "tranches": [gettext_lazy("Tranche"), gettext_lazy("Award"), gettext_lazy("Company"),
                 gettext_lazy("Name"), gettext_lazy("Amount"), gettext_lazy("Currency"),
                 gettext_lazy("Status"), gettext_lazy("Paid on"),
                 gettext_lazy("Payment reference")],
    "claims": [gettext_lazy("Claim"), gettext_lazy("Award"), gettext_lazy("Company"),
               gettext_lazy("Total"), gettext_lazy("Currency"), gettext_lazy("Approved"),
               gettext_lazy("Status"), pgettext_lazy("date", "Submitted"), gettext_lazy("Paid on"),
               gettext_lazy("Payment reference")],
    "desk_invoices": [gettext_lazy("Invoice"), gettext_lazy("Host incubator"),
                      gettext_lazy("Firm"), gettext_lazy("From"), gettext_lazy("To"),
                      gettext_lazy("Desk-days"), gettext_lazy("Total"), gettext_lazy("Currency"),
                      gettext_lazy("Status"), gettext_lazy("Paid on"),
                      gettext_lazy("Payment reference")],
}  # fmt: skip


def _csv_cell(value):
    """A moment as the other CSV files write one: ISO 8601, to the second, with its offset
    (a day is written ISO 8601 as it is)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    return value


def _ledger_csv(intake, kind, rows):
    """The list as CSV: each status in words, then its code."""
    columns = [name for name in ledger.LISTS[kind][2] if name != "label_code"]
    statuses = labels(ledger.LISTS[kind][3])
    names = labels(TrancheName)
    header = [str(title) for title in CSV_HEADERS[kind]]
    header.insert(columns.index("status") + 1, _("Status code"))

    def line(row):
        row = row | _named(row, names)
        cells = []
        for name in columns:
            if name == "status":
                cells += [statuses[row[name]], row[name]]
            else:
                cells.append(_csv_cell(row[name]))
        return cells

    return csv_download(
        f"intake-{intake.pk}-{kind}.csv", header, (line(row) for row in rows.iterator())
    )


@login_required
def schedule(request, intake_pk):
    """The intake's stipend schedule: the tranches each award is paid in."""
    intake = managed_intake(request.user, intake_pk)
    terms = stipends.schedule_of(intake)
    # A name of the portal's own in the manager's language: kept as shown, it stays the
    # portal's (stipends.tranche_name_code), read in each reader's language.
    initial = [
        {"label": tranche_name(label, code), "share": share, "condition": condition}
        for label, code, share, condition in terms
    ]
    formset = forms.ScheduleFormSet(request.POST or None, initial=initial)
    saved = (
        request.method == "POST"
        and formset.is_valid()
        and attempt(request, stipends.set_stipend_schedule, _("The stipend schedule is saved."),
                  intake, by=request.user, terms=formset.terms())
    )  # fmt: skip
    if saved:
        return redirect("money:schedule", intake.pk)
    return render(request, "placements/money/schedule.html", {"intake": intake, "formset": formset})


@login_required
def payment_batch(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    response = HttpResponse(
        stipends.payment_batch_csv(intake), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="intake-{intake.pk}-payments.csv"'
    return response
