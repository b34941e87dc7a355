"""The applicant's journey: eligibility check, a draft in steps that saves as you go, submission."""

import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import display, forms, queries, services
from applications.access import application_for
from applications.eligibility import check_company
from applications.enums import LIVE_STATUSES, Objective
from applications.models import Application
from portal.feedback import form_refused, refused
from programs import queries as programs_queries


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    form: type | None


STEPS = [
    Step("hosts", gettext_lazy("Host incubators"), forms.HostsForm),
    Step("dates", gettext_lazy("Dates"), forms.DatesForm),
    Step("objectives", gettext_lazy("Objectives"), forms.ObjectivesForm),
    Step("case", gettext_lazy("Business case"), forms.CaseForm),
    Step("budget", gettext_lazy("Budget"), forms.BudgetForm),
    Step("documents", gettext_lazy("Documents"), None),
    Step("review", gettext_lazy("Review and submit"), None),
]
STEP_KEYS = [step.key for step in STEPS]
FIELDS = {
    "dates": ["proposed_start", "proposed_end"],
    "objectives": ["objectives", "objectives_detail"],
    "case": ["potential_market", "proven_product", "why_this_market", "export_readiness",
             "travellers"],
}  # fmt: skip


def _application(request, pk, permission="applications.view_application", step=None):
    application = application_for(
        request.user, pk, act=permission, queryset=queries.for_step(Application.objects.all(), step)
    )
    return display.for_the_applicant(application)


@login_required
def eligibility_check(request, intake_pk):
    intake = get_object_or_404(programs_queries.public_intake(), pk=intake_pk)
    companies = list(queries.companies_of(request.user))
    checks = [(company, check_company(intake, company)) for company in companies]
    return render(
        request,
        "applications/eligibility.html",
        {"intake": intake, "checks": checks},
    )


@login_required
def start(request, intake_pk):
    intake = get_object_or_404(programs_queries.public_intake(), pk=intake_pk)
    companies = list(queries.companies_of(request.user))
    error = None
    if request.method == "POST":
        company = next((c for c in companies if str(c.pk) == request.POST.get("company")), None)
        if company is None:
            raise Http404
        try:
            application = services.start_application(company, intake, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("applications:step", pk=application.pk, step=STEP_KEYS[0])
    live = {
        a.company_id: display.for_the_applicant(a, events=[])
        for a in queries.applications_of(request.user).filter(
            intake=intake, status__in=LIVE_STATUSES
        )
    }
    rows = [(company, live.get(company.pk)) for company in companies]
    return render(
        request,
        "applications/start.html",
        {"intake": intake, "rows": rows, "error": error},
    )


def _initial(application, key):
    # A fresh editor token per page load names this page's saves (see services._lock_draft).
    page = {"version": application.version, "editor": secrets.token_hex(8)}
    if key == "hosts":
        ranked = application.host_preferences.all()
        return {f"choice_{p.rank}": str(p.host_id) for p in ranked} | page
    return {name: getattr(application, name) for name in FIELDS.get(key, [])} | page


def _budget_initial(application):
    return [
        {"category": line.category, "description": line.description, "amount": line.amount}
        for line in application.budget_lines.all()
    ]


def _save(step, application, form, formset, user):
    page = {"version": form.cleaned_data["version"], "editor": form.cleaned_data["editor"]}
    if step.key == "hosts":
        return services.set_host_preferences(
            application, by=user, hosts=form.ranked_hosts(), **page
        )
    if step.key == "budget":
        return services.set_budget(application, by=user, lines=formset.lines(), **page)
    fields = {name: form.cleaned_data[name] for name in FIELDS[step.key]}
    return services.save_draft(application, by=user, **page, **fields)


def _saved_values(step, current):
    """The other person's saved version of this step, to show beside what you typed."""
    if step.key == "hosts":
        return [(_("Ranked hosts"), ", ".join(str(p.host) for p in current.host_preferences.all()))]
    if step.key == "budget":
        return [
            (line.get_category_display(), str(line.amount)) for line in current.budget_lines.all()
        ]
    return [
        (capfirst(current._meta.get_field(name).verbose_name), _shown(current, name))
        for name in FIELDS[step.key]
    ]


def _shown(application, name):
    """A saved answer as the person reads it: the objectives by their labels, not codes."""
    if name == "objectives":
        return ", ".join(application.objective_labels)
    return getattr(application, name)


@login_required
def step(request, pk, step):
    if step not in STEP_KEYS:
        raise Http404
    current = STEPS[STEP_KEYS.index(step)]
    if request.method == "POST" and current.form is not None:
        return _save_step(request, pk, current)
    application = _application(request, pk, step=step)
    if step == "documents":
        return documents(request, application, current)
    if step == "review":
        return review(request, application, current)
    editable = request.user.has_perm("applications.change_application", application)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = current.form(initial=_initial(application, step), application=application)
    formset = None
    if step == "budget":
        formset = forms.BudgetFormSet(initial=_budget_initial(application), prefix="budget")
    return _step_page(request, application, current, form, formset, None, editable)


def _save_step(request, pk, current):
    """A step's autosave (htmx: answered with the save status alone) or Save button. Loads
    only what saving reads; the whole page is loaded only to show it again, with what to fix
    or the other person's saved version beside this person's. Any member of the firm may send
    it: a draft submitted or withdrawn since the page opened is the service's refusal (NotADraft),
    shown with what the person typed, never a 403 that loses it."""
    application = application_for(
        request.user,
        pk,
        act="applications.work_on_application",
        queryset=queries.for_saving(Application.objects.all(), current.key),
    )
    # Bound to what was sent: a bound form reads no initial values, so none are loaded.
    form = current.form(request.POST, application=application)
    formset = None
    if current.key == "budget":
        formset = forms.BudgetFormSet(
            request.POST, initial=_budget_initial(application), prefix="budget"
        )
    conflict = None
    closed = None
    saved = False
    if form.is_valid() and (formset is None or formset.is_valid()):
        try:
            application = _save(current, application, form, formset, request.user)
            saved = True
        except services.DraftConflict as error:
            conflict = _saved_values(current, error.current)
            # The next save is a deliberate choice to keep what this person typed.
            form.data = form.data.copy()
            form.data["version"] = error.current.version
        except services.NotADraft as error:
            closed = error.message
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
    if request.htmx:
        return render(
            request,
            "applications/_save_status.html",
            {
                "saved": saved,
                "conflict": conflict,
                "closed": closed,
                "form": form,
                "application": application,
                "now": timezone.now(),
            },
        )
    if saved:
        messages.success(request, _("Saved."))
        following = STEP_KEYS[STEP_KEYS.index(current.key) + 1]
        target = following if "continue" in request.POST else current.key
        return redirect("applications:step", pk=application.pk, step=target)
    page = _application(request, pk, step=current.key)
    # Submitted or withdrawn since the page opened: what was typed stays, without Save buttons.
    editable = request.user.has_perm("applications.change_application", page)
    return _step_page(request, page, current, form, formset, conflict, editable)


def _step_page(request, application, current, form, formset, conflict, editable):
    return render(
        request,
        "applications/step.html",
        {
            "application": application,
            "steps": STEPS,
            "current": current,
            "form": form,
            "formset": formset,
            "conflict": conflict,
            "editable": editable,
        },
    )


def documents(request, application, current):
    editable = request.user.has_perm("applications.change_application", application)
    form = forms.DocumentForm()
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = forms.DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.add_document(
                    application,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    once=form.cleaned_data["once"],
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                if document is not None:  # else the same form sent again: nothing more kept
                    messages.success(request, _("The document is uploaded."))
                return redirect("applications:step", pk=application.pk, step="documents")
    return render(
        request,
        "applications/documents.html",
        {
            "application": application,
            "steps": STEPS,
            "current": current,
            "form": form,
            "editable": editable,
        },
    )


def review(request, application, current):
    return render(
        request,
        "applications/review.html",
        {
            "application": application,
            "steps": STEPS,
            "current": current,
            "missing": services.missing_items(application) if application.is_editable else [],
            "past_deadline": application.is_editable and timezone.now() >= application.deadline,
            "total": services.budget_total(application.budget_lines.all()),
            "can_submit": request.user.has_perm("applications.submit_application", application),
            "can_withdraw": request.user.has_perm("applications.withdraw_application", application),
            "withdraw_form": forms.WithdrawForm(),
            "objective_labels": [
                label for code, label in Objective.choices if code in application.objectives
            ],
        },
    )


@login_required
@require_POST
def document_remove(request, pk, document_pk):
    application = _application(request, pk, "applications.change_application", step="documents")
    document = get_object_or_404(application.documents.all(), pk=document_pk)
    services.remove_document(document, by=request.user)
    messages.success(request, _("The document is removed."))
    return redirect("applications:step", pk=application.pk, step="documents")


@login_required
def document_download(request, pk, document_pk):
    application = _application(request, pk, "applications.read_application", step="documents")
    document = get_object_or_404(application.documents.all(), pk=document_pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
@require_POST
def submit(request, pk):
    # The service locks and reads the draft afresh: the access check loads nothing else. Only
    # the owner acts; a status that cannot be submitted (a second click) is the service's
    # refusal, told on the review page.
    application = application_for(request.user, pk, act="applications.act_as_owner_application")
    try:
        services.submit_application(application, by=request.user, now=request.arrived_at)
    except ValidationError as error:
        refused(request, error)
        return redirect("applications:step", pk=application.pk, step="review")
    messages.success(
        request, _("Your application is submitted. A confirmation email is on its way.")
    )
    return redirect("applications:step", pk=application.pk, step="review")


@login_required
@require_POST
def withdraw(request, pk):
    # As submit: a second click is told by the service why nothing more happened.
    application = _application(request, pk, "applications.act_as_owner_application")
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        # Nothing withdrawn on a note refused.
        form_refused(request, form)
        return redirect("applications:step", pk=application.pk, step="review")
    try:
        services.withdraw_application(application, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("applications:step", pk=application.pk, step="review")
