"""Program managers set up the catalogue: markets, hosts, intakes and their terms.

Each form page redirects once it saved; a POST that draws the page again saved nothing (the
form refused, or a change asks to be confirmed), so it answers 400, as the other apps' refused
forms do, with what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.access import require
from portal.decorators import only_reads
from portal.feedback import refused
from programs import forms, history, queries, services
from programs.access import staff_intake, visible_program
from programs.enums import StaffRole
from programs.models import ForeignMarket, HostIncubator


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


@only_reads
@login_required
def market_list(request):
    _require(request.user, "programs.add_foreignmarket")
    # Each row asks whether this person may change the market: their staff rows are read
    # once per request (programs.rules.staff_rows).
    return render(
        request, "programs/manage/market_list.html", {"markets": queries.markets_for_management()}
    )


@login_required
def market_form(request, country=None):
    if country is None:
        _require(request.user, "programs.add_foreignmarket")
        market = ForeignMarket()
    else:
        market = require(
            request.user,
            "programs.view_foreignmarket",
            ForeignMarket.objects.all(),
            act="programs.change_foreignmarket",
            country=country.upper(),
        )
    form = forms.MarketForm(request.POST or None, instance=market)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        groups = fields.pop("groups")
        if market.pk is None:
            market = services.create_market(groups=groups, **fields)
            messages.success(request, _("%(market)s is now a market.") % {"market": market})
        else:
            services.update_market(market, fields=fields, groups=groups)
            messages.success(request, _("%(market)s is saved.") % {"market": market})
        return redirect("programs:market_detail", country=market.country.code)
    return render(
        request,
        "programs/manage/form.html",
        {
            "form": form,
            "title": _("Edit %(market)s") % {"market": market} if market.pk else _("New market"),
            "back": "programs:manage_markets",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def host_list(request):
    _require(request.user, "programs.add_hostincubator")
    return render(
        request, "programs/manage/host_list.html", {"hosts": queries.hosts_for_management()}
    )


@login_required
def host_form(request, pk=None):
    if pk is None:
        _require(request.user, "programs.add_hostincubator")
        host = HostIncubator()
    else:
        host = require(
            request.user,
            "programs.view_hostincubator",
            HostIncubator.objects.all(),
            act="programs.change_hostincubator",
            pk=pk,
        )
    form = forms.HostForm(request.POST or None, instance=host)
    if request.method == "POST" and form.is_valid():
        # Only what this page changed: a colleague's change saved since stays.
        changed = {name: form.cleaned_data[name] for name in form.fields_to_save()}
        sectors, partners = changed.pop("sectors", None), changed.pop("partner_emails", None)
        try:
            host = services.save_host(
                host if host.pk else form.save(commit=False),
                fields=changed if host.pk else None,
                sectors=sectors,
                partner_staff=partners,
                by=request.user,
            )
        except ValidationError as error:  # a stay confirmed since the form was checked
            form.add_error(None, error)
        else:
            messages.success(request, _("%(host)s is saved.") % {"host": host.name})
            return redirect("programs:host_detail", pk=host.pk)
    return render(
        request,
        "programs/manage/host_form.html",
        {
            "form": form,
            "title": _("Edit %(host)s") % {"host": host.name} if host.pk else _("New host"),
            "back": "programs:manage_hosts",
            "partner_changes": queries.partner_changes(host) if host.pk else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def _program(request, pk, permission):
    return visible_program(request.user, pk, act=permission, with_staff=True)


def _intake(request, pk, permission="programs.change_intake"):
    return staff_intake(request.user, pk, act=permission)


@login_required
def intake_create(request, program_pk):
    program = _program(request, program_pk, "programs.manage_program")
    form = forms.IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        intake = services.create_intake(
            program,
            by=request.user,
            markets=data.pop("markets"),
            sectors=data.pop("sectors"),
            **data,
        )
        messages.success(
            request,
            _("The intake is created with the default rubric. Offer host desks, then publish it."),
        )
        return redirect("programs:manage_intake", pk=intake.pk)
    return render(
        request,
        "programs/manage/form.html",
        {"form": form, "title": _("New intake for %(program)s") % {"program": program}},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def intake_overview(request, pk):
    intake = staff_intake(request.user, pk, queryset=queries.intake_for_management())
    return render(
        request,
        "programs/manage/intake.html",
        {
            "intake": intake,
            "staff": list(queries.program_staff_of(intake)),
            "can_change": request.user.has_perm("programs.change_intake", intake),
            "locked": services.needs_confirmation(intake),
            "changes": [(change, history.differences(change)) for change in intake.changes.all()],
        },
    )


@login_required
def intake_edit(request, pk):
    intake = _intake(request, pk)
    form = forms.IntakeForm(request.POST or None, instance=intake)
    confirm = forms.confirmation_form(intake, request.POST or None)
    shorter = forms.ShorterDeadlineForm(request.POST or None)
    cut_short = None
    valid = request.method == "POST" and form.is_valid() and shorter.is_valid()
    if valid and (confirm is None or confirm.is_valid()):
        # Only what this page changed: a colleague's change saved since stays.
        data = {name: form.cleaned_data[name] for name in form.fields_to_save()}
        try:
            services.update_intake(
                intake,
                by=request.user,
                reason=confirm.cleaned_data["reason"] if confirm else "",
                drafts_confirmed=shorter.cleaned_data["drafts"],
                markets=data.pop("markets", None),
                sectors=data.pop("sectors", None),
                **data,
            )
        except services.DeadlineShortened as warning:
            cut_short = warning.count  # the form shows the count and asks to confirm it
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The intake's terms are saved."))
            return redirect("programs:manage_intake", pk=intake.pk)
    intake.refresh_from_db()  # a bound ModelForm changes its instance while validating
    return render(
        request,
        "programs/manage/form.html",
        {
            "form": form,
            "confirm": confirm,
            "cut_short": cut_short,
            "title": _("Terms of %(intake)s") % {"intake": intake},
            "intake": intake,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def intake_desks(request, pk):
    intake = _intake(request, pk)
    # A plain queryset: each submitted row looks its host up by primary key.
    hosts = HostIncubator.objects.select_related("market").order_by("name")
    offers = intake.desk_offers.select_related("host")
    initial = [{"host": offer.host, "desks": offer.desks} for offer in offers]
    formset = forms.DeskOfferFormSet(
        request.POST or None,
        initial=initial,
        form_kwargs={"intake": intake, "hosts": hosts, "host_choices": forms.host_choices(hosts)},
        prefix="desks",
    )
    # Once the intake has opened, applicants may have chosen these hosts: a reason is asked
    # for, and the change recorded, as for its terms.
    confirm = forms.confirmation_form(intake, request.POST or None)
    refusal = []
    if request.method == "POST" and formset.is_valid() and (confirm is None or confirm.is_valid()):
        try:
            services.set_desk_offers(
                intake,
                offers=formset.offers(),
                by=request.user,
                reason=confirm.cleaned_data["reason"] if confirm else "",
            )
        except ValidationError as error:
            # Confirmed stays the new offers leave no desk for (or opened meanwhile): shown
            # above the rows.
            refusal = error.messages
        else:
            messages.success(request, _("Desk offers are saved."))
            return redirect("programs:manage_intake", pk=intake.pk)
    return render(
        request,
        "programs/manage/desks.html",
        {"intake": intake, "formset": formset, "confirm": confirm, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def intake_rubric(request, pk):
    intake = _intake(request, pk)
    initial = [
        {
            # A default criterion in this manager's language; kept as shown, it stays one.
            "name": c.display_name,
            "description": c.display_description,
            "weight": c.weight,
            "scale_max": c.scale_max,
        }
        for c in intake.criteria.all()
    ]
    formset = forms.RubricFormSet(request.POST or None, initial=initial, prefix="rubric")
    confirm = forms.confirmation_form(intake, request.POST or None)
    refusal = []
    if request.method == "POST" and formset.is_valid() and (confirm is None or confirm.is_valid()):
        try:
            services.set_rubric(
                intake,
                by=request.user,
                criteria=formset.criteria(),
                reason=confirm.cleaned_data["reason"] if confirm else "",
            )
        except ValidationError as error:
            # Scored already (or opened meanwhile): shown above the rubric's rows.
            refusal = error.messages
        else:
            messages.success(request, _("The rubric is saved."))
            return redirect("programs:manage_intake", pk=intake.pk)
    return render(
        request,
        "programs/manage/rubric.html",
        {"intake": intake, "formset": formset, "confirm": confirm, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def intake_eligibility(request, pk):
    intake = _intake(request, pk)
    form = forms.EligibilityForm(request.POST or None, instance=intake)
    confirm = forms.confirmation_form(intake, request.POST or None)
    if request.method == "POST" and form.is_valid() and (confirm is None or confirm.is_valid()):
        rules = dict(form.cleaned_data)
        try:
            services.set_eligibility(
                intake,
                by=request.user,
                reason=confirm.cleaned_data["reason"] if confirm else "",
                allowed_sectors=rules.pop("allowed_sectors"),
                **rules,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The eligibility rules are saved."))
            return redirect("programs:manage_intake", pk=intake.pk)
    return render(
        request,
        "programs/manage/form.html",
        {
            "form": form,
            "confirm": confirm,
            "title": _("Eligibility rules of %(intake)s") % {"intake": intake},
            "intake": intake,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def intake_staff(request, pk):
    intake = _intake(request, pk)
    form = forms.StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.grant_program_role(
            intake.program,
            intake=intake,
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
        )
        messages.success(request, _("%(email)s now works on this intake.") % form.cleaned_data)
        return redirect("programs:manage_intake_staff", pk=intake.pk)
    return render(
        request,
        "programs/manage/staff.html",
        {"intake": intake, "form": form, "staff": list(queries.program_staff_of(intake))},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def intake_staff_remove(request, pk, staff_pk):
    intake = _intake(request, pk)
    staff = get_object_or_404(intake.staff.select_related("user"), pk=staff_pk)
    services.revoke_program_role(
        intake.program, intake=intake, user=staff.user, role=StaffRole(staff.role)
    )
    messages.success(
        request, _("%(person)s no longer works on this intake.") % {"person": staff.user}
    )
    return redirect("programs:manage_intake_staff", pk=intake.pk)


@login_required
@require_POST
def intake_publish(request, pk):
    intake = _intake(request, pk)
    try:
        services.publish_intake(intake, by=request.user)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("The intake is published on the public intake list."))
    return redirect("programs:manage_intake", pk=intake.pk)
