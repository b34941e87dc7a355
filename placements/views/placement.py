"""One placement: what its firm, its host's partners and the program's managers read, the
partner's log, arrival and departure, and the manager's cut short, cancel and history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from placements import forms, queries, services
from placements.enums import PLACEMENT_TRANSITIONS, EntryKind, PlacementStatus
from portal.access import require
from portal.feedback import refused, written

STAY_IDS, CUT_SHORT_IDS, CANCEL_IDS = "stay-%s", "cut-short-%s", "cancel-%s"


def _placement(request, pk, permission):
    user = request.user
    return require(
        user,
        "placements.view_placement",
        queries.placements_visible_to(user),
        act=permission,
        pk=pk,
    )


def _render_detail(request, placement, *, status=200, **bound):
    """The stay's page; ``bound``: a form refused (entry_form, stay_form, cut_short_form or
    cancel_form; or answer_form, with answer_entry_pk its check-in), drawn again with what
    was typed and why."""
    user = request.user
    entries = list(queries.entries_for(placement, user))
    allowed = PLACEMENT_TRANSITIONS[placement.status]
    can_record = user.has_perm("placements.record_placement", placement)
    can_manage = user.has_perm("placements.manage_placement", placement)
    can_log = user.has_perm("placements.log_placement", placement)
    context = {
        "placement": placement,
        "entries": entries,
        "mentors": [entry for entry in entries if entry.kind == EntryKind.MENTOR],
        "contacts": list(placement.host.partner_staff.order_by("full_name", "email")),
        "can_log": can_log and placement.status != PlacementStatus.CANCELLED,
        "can_arrive": can_record and PlacementStatus.IN_RESIDENCE in allowed,
        "can_depart": can_record and PlacementStatus.COMPLETED in allowed,
        "can_cut_short": can_manage and PlacementStatus.CUT_SHORT in allowed,
        "can_cancel": can_manage and PlacementStatus.CANCELLED in allowed,
        "can_manage": can_manage,
        # The firm answers the check-ins meant for it (one form per check-in, its own ids).
        "can_answer": user.has_perm("placements.answer_placement", placement)
        and placement.status != PlacementStatus.CANCELLED,
        "entry_form": forms.LogEntryForm(),
        # Each form's inputs get ids of their own: one page holds several forms.
        "stay_form": forms.StayDateForm(auto_id=STAY_IDS),
        "cut_short_form": forms.CutShortForm(auto_id=CUT_SHORT_IDS),
        "cancel_form": forms.CancelForm(auto_id=CANCEL_IDS),
    } | bound
    return render(request, "placements/detail.html", context, status=status)


@login_required
def detail(request, pk):
    return _render_detail(request, _placement(request, pk, "placements.view_placement"))


@login_required
@require_POST
def add_entry(request, pk):
    placement = _placement(request, pk, "placements.log_placement")
    form = forms.LogEntryForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.add_log_entry(
                placement,
                by=request.user,
                kind=data.pop("kind"),
                on=data.pop("on"),
                note=data.pop("note"),
                staff_only=data.pop("staff_only"),
                **data,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Logged."))
            return redirect("placements:detail", placement.pk)
    return _render_detail(request, placement, entry_form=form)


@login_required
@require_POST
def answer_check_in(request, pk, entry_pk):
    placement = _placement(request, pk, "placements.answer_placement")
    # Only the placement's check-ins meant for the firm are answered; anything else is a 404.
    entry = get_object_or_404(
        placement.entries, pk=entry_pk, kind=EntryKind.CHECK_IN, staff_only=False
    )
    form = forms.CheckInAnswerForm(request.POST)
    back = f"{reverse('placements:detail', args=[placement.pk])}#check-in-{entry.pk}"
    if form.is_valid():
        try:
            services.answer_check_in(entry, by=request.user, drawn=form.drawn(), **form.answer())
        except services.AnsweredSince as since:
            # A colleague answered since this page was drawn: their answer on the page now,
            # who and what above this person's words, kept in the form to send again.
            form.add_error(None, since)
            form.draw_as_saved(since.entry)
        except ValidationError as error:
            # The service's other refusals (nothing typed, a cancelled stay) lose no words.
            refused(request, error)
            return redirect(back)
        else:
            messages.success(request, _("Your answer is saved; the host and the program read it."))
            return redirect(back)
    # The page again, the firm's words in this check-in's form with why (a redirect lost them).
    return _render_detail(
        request, placement, status=400, answer_form=form, answer_entry_pk=entry.pk
    )


def _act(request, placement, name, form, action, done):
    """Do ``action`` with the form's data; a refusal draws the stay's page again with the form
    (``name`` in the page) as typed and each reason next to it, not a redirect that dropped
    both the reason typed and why."""
    if written(form, action):
        messages.success(request, done)
        return redirect("placements:detail", placement.pk)
    return _render_detail(request, placement, **{name: form})


@login_required
@require_POST
def arrival(request, pk):
    placement = _placement(request, pk, "placements.record_placement")
    return _act(
        request,
        placement,
        "stay_form",
        forms.StayDateForm(request.POST, auto_id=STAY_IDS),
        lambda data: services.log_arrival(placement, by=request.user, **data),
        _("Arrival logged."),
    )


@login_required
@require_POST
def departure(request, pk):
    placement = _placement(request, pk, "placements.record_placement")
    return _act(
        request,
        placement,
        "stay_form",
        forms.StayDateForm(request.POST, auto_id=STAY_IDS),
        lambda data: services.log_departure(placement, by=request.user, **data),
        _("Departure logged."),
    )


@login_required
@require_POST
def cut_short(request, pk):
    placement = _placement(request, pk, "placements.manage_placement")
    return _act(
        request,
        placement,
        "cut_short_form",
        forms.CutShortForm(request.POST, auto_id=CUT_SHORT_IDS),
        lambda data: services.cut_short(placement, by=request.user, **data),
        _("The stay is cut short; its desk is free from the next day."),
    )


@login_required
@require_POST
def cancel(request, pk):
    placement = _placement(request, pk, "placements.manage_placement")
    return _act(
        request,
        placement,
        "cancel_form",
        forms.CancelForm(request.POST, auto_id=CANCEL_IDS),
        lambda data: services.cancel_placement(placement, by=request.user, **data),
        _("The placement is cancelled."),
    )


@login_required
def history(request, pk):
    placement = _placement(request, pk, "placements.manage_placement")
    return render(
        request,
        "placements/history.html",
        {
            "placement": placement,
            "events": list(queries.history(placement)),
            "entries": list(queries.entries_for(placement, request.user)),
        },
    )
