"""Change requests: the firm or the host's partner asks to move a stay's dates or cut it
short; the program's manager approves or refuses it with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from placements import changes, forms, queries
from placements.enums import ChangeStatus
from portal.access import require
from portal.feedback import form_refused, refused, written


@login_required
def ask(request, pk):
    user = request.user
    placement = require(
        user,
        "placements.view_placement",
        queries.placements_visible_to(user),
        act="placements.ask_for_change",
        pk=pk,
    )
    form = forms.ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = changes.request_change(placement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your request is sent to the program's manager."))
            return redirect("placements:change_detail", change.pk)
    return render(
        request,
        "placements/changes/ask.html",
        {"placement": placement, "form": form},
        status=400 if form.errors else 200,
    )


def _change(request, pk, permission):
    user = request.user
    return require(
        user,
        "placements.view_changerequest",
        queries.changes_visible_to(user),
        act=permission,
        pk=pk,
    )


@login_required
def change_detail(request, pk):
    return _render_change(request, _change(request, pk, "placements.view_changerequest"))


def _render_change(request, change, *, status=200, **bound):
    """The request's page; ``bound``: a form refused (approve_form or refuse_form), drawn
    again with what was typed and why."""
    pending = change.status == ChangeStatus.PENDING
    user = request.user
    context = {
        "change": change,
        "placement": change.placement,
        "events": list(queries.change_events(change)),
        "can_decide": pending and user.has_perm("placements.decide_changerequest", change),
        "can_withdraw": pending and user.has_perm("placements.withdraw_changerequest", change),
        "approve_form": forms.ApproveChangeForm(),
        "refuse_form": forms.RefuseChangeForm(),
    } | bound
    return render(request, "placements/changes/detail.html", context, status=status)


def _act(request, change, name, form, action, done):
    """Do ``action`` with the form's data; a refusal draws the request's page again with the
    form (``name`` in the page) as typed and each reason next to it, as the stay's page does:
    a redirect dropped the manager's note, and said "Give the reason." of a reason too long.
    A request answered meanwhile (a second click) has no form to draw again: the reasons are
    told above its page."""
    if written(form, action):
        messages.success(request, done)
        return redirect("placements:change_detail", change.pk)
    change.refresh_from_db(fields=["status"])
    if change.status != ChangeStatus.PENDING:
        form_refused(request, form)
        return redirect("placements:change_detail", change.pk)
    return _render_change(request, change, status=400, **{name: form})


@login_required
@require_POST
def approve(request, pk):
    change = _change(request, pk, "placements.decide_changerequest")
    return _act(
        request,
        change,
        "approve_form",
        forms.ApproveChangeForm(request.POST),
        lambda data: changes.approve_change(change, by=request.user, **data),
        _("Approved; the firm and the host are told."),
    )


@login_required
@require_POST
def refuse(request, pk):
    change = _change(request, pk, "placements.decide_changerequest")
    return _act(
        request,
        change,
        "refuse_form",
        forms.RefuseChangeForm(request.POST),
        lambda data: changes.refuse_change(change, by=request.user, **data),
        _("Refused; the firm and the host are told."),
    )


@login_required
@require_POST
def withdraw(request, pk):
    change = _change(request, pk, "placements.withdraw_changerequest")
    try:
        changes.withdraw_change(change, by=request.user)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("placements:change_detail", change.pk)
