"""Program managers select: runs with progress, the slate, confirmation, the decision outbox.
Applicants answer their offers."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from djmoney.money import Money

from applications import display, forms, queries, services
from applications import rules as perms
from applications.access import offer_for, run_for
from portal.feedback import form_refused, refused
from portal.rules import waits_for_release
from programs.access import managed_intake


def _run(request, pk):
    return run_for(request.user, pk)


def _run_form(intake, data=None, last=None):
    markets, sectors = queries.selection_choices(intake)
    initial = {}
    if last is not None:
        initial = {"min_score": last.min_score, "rank_penalty": last.rank_penalty}
        initial |= {f"market_{key}": cap for key, cap in last.market_caps.items()}
        initial |= {f"sector_{key}": cap for key, cap in last.sector_caps.items()}
    return forms.SelectionRunForm(data, initial=initial, markets=markets, sectors=sectors)


@login_required
def selection(request, intake_pk):
    """An intake's selection: start a run, the runs so far, and after confirmation the offers."""
    intake = managed_intake(request.user, intake_pk)
    runs = list(queries.runs_of(intake))
    form = _run_form(intake, request.POST or None, last=runs[0] if runs else None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(intake, by=request.user, **form.parameters())
        except ValidationError as error:
            refused(request, error)
        else:
            return redirect("applications:selection_run", pk=run.pk)
    emails = list(queries.decision_emails(intake).values_list("status", flat=True))
    held = sum(1 for status in emails if waits_for_release(status))
    seats = _free_seats(intake) if intake.slate_confirmed_at else []
    return render(
        request,
        "applications/selection/intake.html",
        {
            "intake": intake,
            "form": form,
            "runs": runs,
            # Runs with a slate, which the comparison reads.
            "comparable": {run.pk for run in runs if perms.has_slate(request.user, run)},
            "problems": services.why_no_run(intake) if intake.slate_confirmed_at is None else [],
            "offers": list(queries.offers_of(intake)) if intake.slate_confirmed_at else [],
            "held": held,
            "released": len(emails) - held,
            "seats": seats,
        },
    )


def _free_seats(intake, data=None, chosen=None):
    """The intake's freed seats, each with its form listing who may have it."""
    seats = list(queries.free_seats(intake))
    candidates = queries.seat_candidates(intake, {seat.host_id for seat in seats})
    for seat in seats:
        seat.declined = perms.was_declined(seat.status)
        seat.form = forms.SeatOfferForm(
            data if seat.pk == chosen else None,
            candidates=candidates[seat.host_id],
            prefix=f"seat-{seat.pk}",
        )
    return seats


@login_required
@require_POST
def offer_seat(request, intake_pk, pk):
    """A freed seat the waitlist could not fill, offered by the manager to someone who
    ranked its host; checked as an adjusted slate is."""
    intake = managed_intake(request.user, intake_pk)
    seat = next((s for s in _free_seats(intake, request.POST, chosen=pk) if s.pk == pk), None)
    if seat is None:
        messages.error(request, _("This seat is no longer free."))
    elif not seat.form.is_valid():
        messages.error(request, _("Choose who the seat goes to."))
    else:
        try:
            offer = services.offer_freed_seat(
                seat, by=request.user, application_id=seat.form.cleaned_data["application"]
            )
        except ValidationError as error:
            messages.error(request, _("The seat was not offered: nothing changed."))
            refused(request, error)
        else:
            messages.success(
                request,
                _("%(company)s is offered the seat at %(host)s and has been told by email.")
                % {"company": offer.application.company.name, "host": seat.host.name},
            )
    return redirect(reverse("applications:selection", args=[intake.pk]) + "#free-seats")


@login_required
def run(request, pk):
    """A run: its progress while it works, then its slate, waitlist, reasons and checks."""
    run = _run(request, pk)
    done = perms.has_slate(request.user, run)
    entries = list(queries.slate_of(run)) if done else []
    hosts = display.desk_use(run, entries) if entries else []
    names = {host.pk: host.name for host, _desks, _used in hosts}
    for entry in entries:
        entry.choices = [(pk, names[pk]) for pk in entry.preferences if pk in names]
    offered = [entry for entry in entries if entry.host_id is not None]
    spent = sum((entry.stipend for entry in offered), 0)
    open_slate = run.confirmed_at is None and run.intake.slate_confirmed_at is None
    # Who gets which email if the slate is confirmed now: the same plan confirm_slate applies.
    plan = services.plan_decisions(run, entries) if entries and open_slate else None
    return render(
        request,
        "applications/selection/run.html",
        {
            "run": run,
            "intake": run.intake,
            "offered": offered,
            "waitlist": sorted(
                (e for e in entries if e.host_id is None and e.waitlist_position),
                key=lambda e: e.waitlist_position,
            ),
            "not_placeable": [e for e in entries if e.host_id is None and not e.waitlist_position],
            "hosts": hosts,
            "spent": spent,
            "left": (run.budget or 0) - spent,
            "breaks": services.check_slate(run, entries) + plan.problems if plan else [],
            "plan": plan,
            "open_slate": open_slate and done,
            "failed": perms.has_failed(request.user, run),
            "caps": queries.cap_labels(run),
        },
    )


@login_required
def run_progress(request, pk):
    """The progress bar the run page polls; once the run is over the page reloads."""
    run = _run(request, pk)
    if run.is_finished and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "applications/selection/_progress.html", {"run": run})


@login_required
@require_POST
def adjust(request, pk):
    run = _run(request, pk)
    form = forms.SlateAdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a host, or none to drop the applicant."))
    else:
        try:
            services.adjust_slate(
                run,
                by=request.user,
                application_id=form.cleaned_data["application"],
                host_id=form.cleaned_data["host"],
            )
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("Slate changed; the checks below are up to date."))
    return redirect("applications:selection_run", pk=run.pk)


@login_required
@require_POST
def confirm(request, pk):
    run = _run(request, pk)
    try:
        services.confirm_slate(run, by=request.user)
    except ValidationError as error:
        messages.error(request, _("The slate was not confirmed: nothing changed."))
        refused(request, error)
        return redirect("applications:selection_run", pk=run.pk)
    messages.success(
        request,
        _("Slate confirmed. Read the decision emails, then release them: offers open then."),
    )
    return redirect("applications:decisions", intake_pk=run.intake_id)


@login_required
def compare(request, intake_pk):
    """Two runs side by side: their parameters and results, and who they place differently."""
    intake = managed_intake(request.user, intake_pk)
    runs = {run.pk: run for run in queries.runs_of(intake)}
    try:
        first, second = (runs[int(request.GET.get(key, ""))] for key in ("a", "b"))
    except (KeyError, ValueError):
        messages.error(request, _("Choose two runs of this intake to compare."))
        return redirect("applications:selection", intake_pk=intake.pk)
    rows = display.compare_runs(first, second)
    for compared in (first, second):
        compared.caps = queries.cap_labels(compared)
    return render(
        request,
        "applications/selection/compare.html",
        {"intake": intake, "first": first, "second": second, "rows": rows},
    )


@login_required
def decisions(request, intake_pk):
    """The decision emails: previewed while held, released once, then their delivery."""
    intake = managed_intake(request.user, intake_pk)
    if request.method == "POST":
        released = services.release_decisions(intake, by=request.user)
        if released:
            messages.success(
                request,
                ngettext(
                    "%(n)s decision email released; offers are open.",
                    "%(n)s decision emails released; offers are open.",
                    released,
                )
                % {"n": released},
            )
        else:
            messages.info(request, _("Nothing was waiting: every decision email is released."))
        return redirect("applications:decisions", intake_pk=intake.pk)
    emails = list(queries.decision_emails(intake))
    return render(
        request,
        "applications/selection/decisions.html",
        {
            "intake": intake,
            "emails": emails,
            "held": sum(1 for email in emails if waits_for_release(email.status)),
        },
    )


# The applicant ---------------------------------------------------------------------------------


def _offer(request, pk):
    return offer_for(request.user, pk)


@login_required
def offer(request, pk):
    """An offer, and the owner's accept and decline buttons while it is open."""
    # Not released yet: not in the applicant's visibility queryset, a 404 (the applicant
    # learns of it by the decision email).
    offer = _offer(request, pk)
    return render(
        request,
        "applications/offer.html",
        {
            "offer": offer,
            "can_answer": request.user.has_perm("applications.answer_offer", offer),
            "decline_form": forms.DeclineForm(),
            "awaiting_answer": perms.is_awaiting_answer(request.user, offer),
            # Past its deadline, an offer waits for the beat job to close it; no buttons.
            "expired": offer.deadline is not None and timezone.now() > offer.deadline,
            # An amount with its currency, written as every other page writes money.
            "stipend": Money(offer.stipend, settings.PORTAL_CURRENCY),
        },
    )


@login_required
@require_POST
def answer(request, pk, choice):
    offer = _offer(request, pk)
    form = forms.DeclineForm(request.POST)
    try:
        if choice == "accept":
            services.accept_offer(offer, by=request.user)
            messages.success(
                request,
                _(
                    "You accepted the place. The host will now confirm your desk and dates; "
                    "your placement will then show on your dashboard."
                ),
            )
        elif not form.is_valid():
            # Nothing declined on a reason refused (a decline cannot be undone).
            form_refused(request, form)
        else:
            services.decline_offer(offer, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("You declined the place. Thank you for telling us."))
    except PermissionDenied:
        messages.error(request, _("Only the company's owner can accept or decline the offer."))
    except ValidationError as error:
        refused(request, error)
    return redirect("applications:offer", pk=offer.pk)
