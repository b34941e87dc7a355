"""Outcome reports for the firm (a form that saves as it goes), the manager's list and
verification page, and the program's figures with the records behind each."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from outcomes import charts, figures, forms, queries, services
from outcomes.enums import REPORT_TRANSITIONS, Basis, ReportKind, ReportStatus, Stage
from outcomes.models import Opportunity
from placements.models import LogEntry
from placements.queries import placements_visible_to
from portal.access import require
from portal.decorators import only_reads
from portal.downloads import csv_download
from portal.filterbar import filter_fields
from portal.forms import MAX_ID, differences
from portal.paging import PAGE_SIZE, Counted
from portal.rows import labels
from programs.models import Intake
from programs.queries import intakes_managed_by

S = ReportStatus
VIEW = "outcomes.view_outcomereport"
CHANGE = "outcomes.change_outcomereport"
VERIFY = "outcomes.verify_outcomereport"
VERIFY_VALUE = "outcomes.verify_opportunity_value"


def _report(request, pk, permission=VIEW):
    user = request.user
    return require(user, VIEW, queries.reports_visible_to(user), act=permission, pk=pk)


# --- The firm ------------------------------------------------------------------------------


@login_required
def firm_reports(request):
    reports = queries.firm_reports(request.user)
    if request.GET.get("format") == "csv":
        kinds, statuses = labels(ReportKind), labels(S)
        return csv_download(
            "my-outcome-reports.csv",
            [_("Company"), _("Report"), _("Host"), _("Due"), _("Status")],
            (
                [report.placement.company.name, kinds[report.kind], report.placement.host.name,
                 date_format(report.due_on), statuses[report.status]]
                for report in reports
            ),
        )  # fmt: skip
    return render(request, "outcomes/firm_list.html", {"reports": list(reports)})


def _report_form(report, data=None):
    """The report's form as the page draws it: with the answer box once the program asked."""
    return forms.ReportForm(data, initial=_initial(report), asked=report.questions.exists())


def _initial(report):
    initial = {name: getattr(report, name) for name in services.REPORT_FIELDS}
    open_question = report.questions.order_by("-asked_at", "-pk").first()
    if open_question is not None:
        initial["answer"] = open_question.answer
    # A fresh editor token per page load names this page's saves.
    return initial | {"version": report.version, "editor": secrets.token_hex(8)}


@login_required
def report(request, pk):
    report = _report(request, pk)
    editable = request.user.has_perm(CHANGE, report)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = _report_form(report, data)
    saved, conflict = False, None
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        page = {"version": values.pop("version"), "editor": values.pop("editor")}
        # Only a page that drew the answer box answers (one drawn before the question has
        # none: its saves leave the answer as it is).
        answer = values.pop("answer", None)
        answer = answer if "answer" in data else None
        try:
            report = services.save_report(report, by=request.user, answer=answer, **page, **values)
            saved = True
        except services.ReportConflict as error:
            conflict = error.current
            form.data = form.data.copy()
            form.data["version"] = error.current.version
        except ValidationError as error:
            form.add_error(None, error)
    if request.htmx:
        return render(
            request,
            "outcomes/_save_status.html",
            {"saved": saved, "conflict": conflict, "report": report, "now": timezone.now()},
        )
    if saved:
        messages.success(request, _("Saved."))
        return redirect("outcomes:report", pk=report.pk)
    return render(request, "outcomes/report.html", _report_context(request, report, form, conflict))


def _saved_differently(form, current):
    """(label, value saved now) of every field where the report as saved now differs from
    what this page sent: each one its Save would overwrite, so the conflict box lists them all
    (it listed four of ten, and Save wiped a colleague's revenue and ratings unseen)."""
    sent = {name: form.cleaned_data.get(name) for name in services.REPORT_FIELDS}
    return [(label, saved) for label, _sent, saved in differences(form, sent, current)]


def _report_context(
    request, report, form, conflict=None, opportunity_form=None, entry_form=None, update_form=None
):
    editable = request.user.has_perm(CHANGE, report)
    open_opportunities = list(queries.open_opportunities(report))
    return {
        "report": report,
        "form": form,
        "conflict": conflict,
        "saved_differently": _saved_differently(form, conflict) if conflict else [],
        "editable": editable,
        "verified": report.status == S.VERIFIED,
        "can_submit": S.SUBMITTED in REPORT_TRANSITIONS[report.status] and editable,
        "questions": list(report.questions.all()),
        "open_opportunities": open_opportunities,
        "update_forms": _update_forms(open_opportunities, update_form) if editable else [],
        "closed_opportunities": list(queries.closed_opportunities(report)),
        "introductions": list(queries.introductions_to_confirm(report)),
        "entries": list(report.placement.market_entries.order_by("on", "pk")),
        "opportunity_form": opportunity_form or forms.OpportunityForm(),
        "entry_form": entry_form or forms.MarketEntryForm(),
        "history": list(queries.history(report)),
    }


def _update_forms(opportunities, refused=None):
    """A form to update each open opportunity; the refused one (``refused``, bound) drawn
    again as it was sent, in its own place (also when the opportunity closed meanwhile)."""
    drawn = [
        refused
        if refused is not None and refused.opportunity.pk == opportunity.pk
        else forms.OpportunityUpdateForm(opportunity=opportunity)
        for opportunity in opportunities
    ]
    if refused is not None and refused not in drawn:
        drawn.append(refused)
    return drawn


@login_required
@require_POST
def save_opportunity(request, pk, opportunity_pk=None):
    report = _report(request, pk, CHANGE)
    opportunity = None
    if opportunity_pk is not None:
        opportunity = get_object_or_404(
            Opportunity, pk=opportunity_pk, company=report.placement.company_id
        )
        form = forms.OpportunityUpdateForm(request.POST, opportunity=opportunity)
    else:
        form = forms.OpportunityForm(request.POST)
    if form.is_valid():
        try:
            services.save_opportunity(
                report, by=request.user, opportunity=opportunity, **form.cleaned_data
            )
            messages.success(request, _("Opportunity saved."))
            return redirect("outcomes:report", pk=report.pk)
        except ValidationError as error:
            form.add_error(None, error) if not hasattr(error, "error_dict") else _add(form, error)
    if opportunity is not None:
        # The update's own form holds what was typed; the form that adds one stays blank.
        context = _report_context(request, report, _report_form(report), update_form=form)
    else:
        context = _report_context(
            request, report, _report_form(report), opportunity_form=_with_token(form)
        )
    return render(request, "outcomes/report.html", context, status=400)


def _with_token(form):
    """The refused form that adds an opportunity, with a token to send it again: the one it
    was sent with, or a new one if it came with none (no token adds a record every time)."""
    if not form.data.get("once"):
        form.data = form.data.copy()
        form.data["once"] = secrets.token_hex(16)
    return form


def _add(form, error):
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


@login_required
@require_POST
def confirm_introduction(request, pk, entry_pk):
    report = _report(request, pk, CHANGE)
    entry = get_object_or_404(
        LogEntry, pk=entry_pk, placement__company=report.placement.company_id, staff_only=False
    )
    try:
        services.confirm_introduction(report, entry, by=request.user)
        messages.success(request, _("The introduction is now one of your opportunities."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("outcomes:report", pk=report.pk)


@login_required
@require_POST
def add_market_entry(request, pk):
    report = _report(request, pk, CHANGE)
    form = forms.MarketEntryForm(request.POST)
    if form.is_valid():
        try:
            services.record_market_entry(report, by=request.user, **form.cleaned_data)
            messages.success(request, _("Market entry saved."))
            return redirect("outcomes:report", pk=report.pk)
        except ValidationError as error:
            _add(form, error) if hasattr(error, "error_dict") else form.add_error(None, error)
    context = _report_context(request, report, _report_form(report), entry_form=form)
    return render(request, "outcomes/report.html", context, status=400)


@login_required
@require_POST
def submit(request, pk):
    report = _report(request, pk, CHANGE)
    try:
        services.submit_report(report, by=request.user)
        messages.success(request, _("Report submitted. Thank you."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("outcomes:report", pk=report.pk)


# --- The program's managers ----------------------------------------------------------------


def _intake_choices(user):
    return list(
        intakes_managed_by(user).order_by("-placement_starts_on").values_list("pk", "title")
    )


@only_reads
@login_required
def manage_reports(request):
    intakes = _intake_choices(request.user)
    if not intakes:
        raise Http404
    form = forms.ReportFilterForm(request.GET or None, intakes=intakes)
    listed = queries.reports_for_manager(request.user)
    if form.is_valid():
        listed = queries.filtered(listed, **form.cleaned_data)
    if request.GET.get("format") == "csv":
        return _reports_csv(listed)
    page = Paginator(listed.values(*queries.LIST_COLUMNS), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outcomes/manage/list.html",
        {
            "filter_fields": filter_fields(form),
            "page": page,
            "rows": _rows(list(page.object_list)),
            "query": query.urlencode(),
            "completeness": queries.with_shares(queries.completeness(request.user)),
            "unscheduled": list(queries.unscheduled_for(request.user)[:20]),
        },
    )


def _rows(values):
    kinds, statuses = labels(ReportKind), labels(S)
    today = timezone.localdate()
    return [
        {
            "url": reverse("outcomes:verify", args=[value["pk"]]),
            "company": value["placement__company__name"],
            "host": value["placement__host__name"],
            "intake": value["placement__intake__title"],
            "kind": kinds[value["kind"]],
            "status": statuses[value["status"]],
            "due": date_format(value["due_on"]),
            "overdue": value["status"] in (S.DUE, S.CHANGES_REQUESTED) and value["due_on"] < today,
            "flagged": value["status"] == S.DUE and value["overdue_flagged_on"] is not None,
        }
        for value in values
    ]


def _reports_csv(listed):
    header = [_("Company"), _("Host"), _("Intake"), _("Report"), _("Status"), _("Due")]
    rows = (
        [row["company"], row["host"], row["intake"], row["kind"], row["status"], row["due"]]
        for row in _rows(listed.values(*queries.LIST_COLUMNS).iterator())
    )
    return csv_download("outcome-reports.csv", header, rows)


@login_required
def verify(request, pk):
    report = _report(request, pk, VERIFY)
    form = forms.VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, text = form.cleaned_data["action"], form.cleaned_data["text"]
        try:
            if action == "verify":
                services.verify_report(report, by=request.user, note=text)
                messages.success(request, _("Report verified."))
            elif action == "ask":
                services.request_changes(report, by=request.user, question=text)
                messages.success(request, _("Question sent to the firm."))
            else:
                services.reject_report(report, by=request.user, reason=text)
                messages.success(request, _("Report rejected."))
            return redirect("outcomes:verify", pk=report.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return _verify_page(request, report, verify_form=form)


def _verify_page(request, report, *, verify_form=None, due_form=None, status=200):
    """The verification page; a refused form is drawn again as it was sent, with its
    errors."""
    context = _report_context(request, report, _report_form(report))
    updates = report.updates.select_related("opportunity__placement__intake").order_by("pk")
    context |= {
        "verify_form": verify_form or forms.VerifyForm(),
        "due_form": due_form or forms.DueDateForm(),
        "can_verify": S.VERIFIED in REPORT_TRANSITIONS[report.status],
        "can_move": report.status in (S.DUE, S.CHANGES_REQUESTED),
        "opportunities": list(updates),
    }
    return render(request, "outcomes/manage/report.html", context, status=status)


@login_required
def completeness_csv(request):
    """The completeness of each intake the person manages: reports due by today, handed in."""
    if not _intake_choices(request.user):
        raise Http404
    return csv_download(
        "outcome-report-completeness.csv",
        [_("Intake"), _("Reports due"), _("Handed in")],
        (
            [row["placement__intake__title"], row["due"], row["handed_in"]]
            for row in queries.completeness(request.user)
        ),
    )


@login_required
@require_POST
def opportunity_value(request, pk, opportunity_pk):
    report = _report(request, pk, VERIFY)
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("placement__intake"),
        pk=opportunity_pk,
        updates__report=report,
    )
    # Its value counts in the figures of the stay it was first reported from, which may be
    # another program's: that intake's managers decide.
    if not request.user.has_perm(VERIFY_VALUE, opportunity):
        raise PermissionDenied
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("verified"):
            services.mark_value_verified(opportunity, by=request.user)
        else:
            services.mark_value_unverified(opportunity, by=request.user, reason=reason)
        messages.success(request, _("Saved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("outcomes:verify", pk=report.pk)


@login_required
@require_POST
def move_due_date(request, pk):
    report = _report(request, pk, VERIFY)
    form = forms.DueDateForm(request.POST)
    if form.is_valid():
        try:
            services.move_due_date(
                report, by=request.user, to=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
            messages.success(request, _("Due date moved."))
            return redirect("outcomes:verify", pk=report.pk)
        except ValidationError as error:
            _add(form, error) if hasattr(error, "error_dict") else form.add_error(None, error)
    # Drawn again as typed: the manager's reason is not lost to a refusal.
    return _verify_page(request, report, due_form=form, status=400)


@login_required
@require_POST
def schedule(request, placement_pk):
    placement = require(
        request.user,
        "placements.view_placement",
        placements_visible_to(request.user),
        act="placements.manage_placement",
        pk=placement_pk,
    )
    try:
        created = services.schedule_reports(placement, by=request.user)
        messages.success(request, _("%(n)s reports scheduled.") % {"n": len(created)})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("outcomes:manage_reports")


# --- Other program costs -------------------------------------------------------------------


@login_required
def costs(request):
    """The other program costs of the person's intakes, and a form to enter one; the figures
    add them to the stipends and desk invoices paid."""
    intakes = _intake_choices(request.user)
    if not intakes:
        raise Http404
    form = forms.ProgramCostForm(request.POST or None, intakes=intakes)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        intake = get_object_or_404(intakes_managed_by(request.user), pk=values.pop("intake"))
        try:
            services.add_program_cost(intake, by=request.user, **values)
            messages.success(request, _("Cost saved."))
            return redirect("outcomes:costs")
        except ValidationError as error:
            _add(form, error) if hasattr(error, "error_dict") else form.add_error(None, error)
    page = Paginator(queries.program_costs_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "outcomes/manage/costs.html",
        {"form": form, "page": page, "costs": list(page.object_list), "query": ""},
        status=400 if form.errors else 200,
    )


# --- Figures -------------------------------------------------------------------------------


# The value of a filter that asks for the records whose group is not known (the link of a
# breakdown's "Not known" row).
NOT_KNOWN = "none"


def _scope(request):
    intakes = _intake_choices(request.user)
    if not intakes:
        raise Http404
    data = request.GET.copy()
    unknown = tuple(dimension for dimension in figures.UNKNOWN if data.get(dimension) == NOT_KNOWN)
    for dimension in unknown:
        data.pop(dimension)
    form = forms.FiguresForm(data or None, intakes=intakes)
    values = form.cleaned_data if form.is_valid() else {}
    scope = figures.Scope(
        # The intakes just read for the form, by key: the figures' queries filter on a list
        # instead of planning the managers' subquery again in each.
        Intake.objects.filter(pk__in=[pk for pk, _title in intakes]),
        intake=values.get("intake"),
        market=data.get("market", "")[:2],
        sector=data.get("sector", "")[:30],
        host=_int(data.get("host")),
        year=values.get("year"),
        unknown=unknown,
    )
    basis = values.get("basis") or Basis.VERIFIED
    return form, scope, basis, values.get("by") or None, bool(values.get("compare"))


def _int(value):
    """An id from the address, or None (ignored, as a bad filter is): a number no row can
    have would overflow the database's integer in the query, a server error."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


FIGURES = ["companies", "markets", "opportunities", "won", "jobs", "investment", "cost"]


@login_required
def figures_page(request):
    form, scope, basis, by, compare = _scope(request)
    shown, by_market, by_year = figures.overview(scope, basis)
    other = Basis.REPORTED if basis == Basis.VERIFIED else Basis.VERIFIED
    beside = figures.headline(scope, other) if compare else None
    rows = figures.breakdown(scope, by, basis) if by else []
    if request.GET.get("format") == "csv" and request.GET.get("series") == "years":
        return csv_download(
            "value-by-year.csv",
            [_("Year"), _("Value identified"), _("Value won")],
            figures.by_year_identified(scope, basis),
        )
    if request.GET.get("format") == "csv":
        return _figures_csv(rows or [figures.Row(0, _("Whole program"), shown)])
    query = request.GET.copy()
    bases = labels(Basis)
    return render(
        request,
        "outcomes/manage/figures.html",
        {
            "form": form,
            "filter_fields": filter_fields(form),
            "shown": shown,
            "shown_label": bases[basis],
            "beside": beside,
            "beside_label": bases[other],
            "rows": [(row, _drill_query(query, by, row.group)) for row in rows],
            "by": by,
            "basis": basis,
            "definitions": figures.DEFINITIONS,
            "query": query.urlencode(),
            "market_chart": charts.bars(by_market),
            "time_chart": charts.columns(by_year),
            # Payments no rate converts are not in the cost: say so, with their amounts.
            "left_out": figures.payments_left_out(scope),
        },
    )


def _drill_query(query, by, group):
    narrowed = query.copy()
    narrowed.pop("by", None)
    if by:
        # A group not known links to the records with none, not to every record.
        narrowed[by] = NOT_KNOWN if group is None else group
    return narrowed.urlencode()


def _figures_csv(rows):
    header = (
        [_("Group"), _("Companies placed"), _("Markets entered"), _("Opportunities identified"),
         _("Value identified"), _("Deals won"), _("Value won"), _("Jobs"),
         _("Follow-on investment"), _("Program cost"), _("ROI")]
    )  # fmt: skip
    lines = (
        [row.label, row.figures.companies, row.figures.markets, row.figures.opportunities,
         row.figures.value_identified, row.figures.deals_won, row.figures.value_won,
         row.figures.jobs, row.figures.investment, row.figures.cost, row.figures.roi]
        for row in rows
    )  # fmt: skip
    return csv_download("program-figures.csv", header, lines)


RECORDS = {
    "companies": ("outcomes/manage/records.html", figures.placed),
    "markets": ("outcomes/manage/records.html", figures.market_entries),
    "opportunities": ("outcomes/manage/records.html", figures.opportunities),
    "won": ("outcomes/manage/records.html", figures.won),
    "jobs": ("outcomes/manage/records.html", figures.job_reports),
    "investment": ("outcomes/manage/records.html", figures.investment_reports),
    "cost": ("outcomes/manage/records.html", figures.costs),
    "payments": ("outcomes/manage/records.html", figures.payments),
}
SELECT = {
    "companies": ["company", "host__market", "intake"],
    "markets": ["placement__company", "report"],
    "opportunities": ["company"],
    "won": ["company"],
    "jobs": ["placement__company"],
    "investment": ["placement__company"],
    "cost": ["intake"],
    "payments": [],
}


# The columns a figure's records page and CSV show, where a record has many more.
OPPORTUNITY_COLUMNS = ["company__name", "organisation", "country", "value", "value_currency",
                       "identified_on"]  # fmt: skip
# The counted date (counted_identified_on) is an annotation: the verified one, for verified
# figures.
ONLY = {"opportunities": OPPORTUNITY_COLUMNS, "won": OPPORTUNITY_COLUMNS}


def _on(day):
    return date_format(day) if day else ""


def _or_blank(value):
    return "" if value is None else value


# Per figure: the CSV's header and one record's cells, as the records page shows them.
RECORD_COLUMNS = {
    "companies": (
        [gettext_lazy("Company"), gettext_lazy("Market"), gettext_lazy("Intake"),
         gettext_lazy("Status"), gettext_lazy("Departure")],
        lambda r: [r.company.name, r.host.market.country.name, r.intake.title,
                   r.get_status_display(), _on(r.departed_on)],
    ),
    "markets": (
        [gettext_lazy("Company"), gettext_lazy("Market"), gettext_lazy("What"),
         gettext_lazy("Date"), gettext_lazy("Report")],
        lambda r: [r.placement.company.name, r.country.name, r.get_kind_display(), _on(r.on),
                   r.report.get_kind_display()],
    ),
    "opportunities": (
        [gettext_lazy("Company"), gettext_lazy("Counterpart"), gettext_lazy("Country"),
         gettext_lazy("Stage"), gettext_lazy("Value counted"), gettext_lazy("Value"),
         gettext_lazy("Currency"), gettext_lazy("Identified on")],
        lambda r: [r.company.name, r.organisation, r.country.name,
                   labels(Stage).get(r.counted_stage, r.counted_stage),
                   _or_blank(r.counted_value), r.value.amount, str(r.value.currency),
                   _on(r.counted_identified_on)],
    ),
    "jobs": (
        [gettext_lazy("Company"), gettext_lazy("Report"), gettext_lazy("Employees"),
         gettext_lazy("Employees in the application"), gettext_lazy("Follow-on investment")],
        lambda r: [r.placement.company.name, r.get_kind_display(), r.employees,
                   _or_blank(r.baseline), _or_blank(r.investment_converted)],
    ),
    "cost": (
        [gettext_lazy("Intake"), gettext_lazy("Description"), gettext_lazy("Date"),
         gettext_lazy("Amount"), gettext_lazy("Currency"),
         gettext_lazy("In the program's currency"), gettext_lazy("Counted here")],
        lambda r: [r.intake.title, r.description, _on(r.on), r.amount.amount,
                   str(r.amount.currency), r.amount_converted, r.counted_amount],
    ),
}  # fmt: skip
RECORD_COLUMNS["payments"] = (
    [gettext_lazy("Kind"), gettext_lazy("Company"), gettext_lazy("Paid on"),
     gettext_lazy("Amount"), gettext_lazy("Currency")],
    # figures.payments gives rows (kind, company, day paid, amount, currency).
    lambda r: [figures.PAYMENT_KINDS.get(r[0], r[0]), r[1], _on(r[2]), r[3], r[4]],
)  # fmt: skip
RECORD_COLUMNS["won"] = RECORD_COLUMNS["opportunities"]
RECORD_COLUMNS["investment"] = RECORD_COLUMNS["jobs"]


@only_reads
@login_required
def figure_records(request, figure):
    if figure not in RECORDS:
        raise Http404
    form, scope, basis, _by, _compare = _scope(request)
    template, read = RECORDS[figure]
    listed = read(scope) if figure in ("companies", "cost", "payments") else read(scope, basis)
    if SELECT[figure]:
        listed = listed.select_related(*SELECT[figure]).order_by("pk")
    if figure in ONLY:
        listed = listed.only(*ONLY[figure])
    # Each other cost with the part of it the figure counts (all of it for whole intakes; a
    # narrower scope's share, as the figure shares it): the records add up to the figure.
    shares = figures.cost_shares(scope) if figure == "cost" else None
    if request.GET.get("format") == "csv" and figure in RECORD_COLUMNS:
        header, row = RECORD_COLUMNS[figure]
        return csv_download(f"{figure}-records.csv", [str(title) for title in header],
                    (row(_with_share(record, shares)) for record in
                     listed.iterator(chunk_size=500)))  # fmt: skip
    # Where a kept figure is the number of these records, the pages count from it instead
    # of counting the records' joins.
    total = figures.kept_count(scope, basis, figure)
    paged = listed if total is None else Counted(listed, total)
    page = Paginator(paged, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    records = [_with_share(record, shares) for record in page.object_list]
    if figure in ("opportunities", "won"):
        # The stage counted is an annotation (no get_..._display): its label, as the CSV's.
        stages = labels(Stage)
        for record in records:
            record.counted_stage_label = stages.get(record.counted_stage, record.counted_stage)
    return render(
        request,
        template,
        {
            "figure": figure,
            "definition": figures.DEFINITIONS[figure],
            "page": page,
            "records": records,
            "payment_kinds": figures.PAYMENT_KINDS,
            "query": query.urlencode(),
            "basis": basis,
            # Companies placed counts firms; its records are placements (a firm placed
            # twice is two): the page says both.
            "firms": listed.order_by().values("company").distinct().count()
            if figure == "companies"
            else None,
            "shared": figure == "cost" and scope.narrowed,
        },
    )


def _with_share(record, shares):
    if shares is not None:
        record.counted_amount = shares.get(record.pk, figures.ZERO)
    return record
