from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import queries, services
from applications.access import company_for
from applications.forms import CompanyForm, InvitationForm, NewCompanyForm
from portal.feedback import refused
from portal.forms import differences


def _company(request, pk, permission):
    return company_for(request.user, pk, act=permission)


@login_required
def company_create(request):
    form = NewCompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = services.register_company(request.user, **form.cleaned_data)
        if company is None:
            # The same form sent again (a double click): the company the first one registered,
            # whose message is waiting for the page.
            company = queries.companies_of(request.user).order_by("-pk").first()
            if company is None:
                return redirect("dashboard")
            return redirect("applications:company_detail", pk=company.pk)
        messages.success(
            request, _("%(name)s is registered. You are its owner.") % {"name": company.name}
        )
        return redirect("applications:company_detail", pk=company.pk)
    return render(request, "applications/company_form.html", {"form": form, "creating": True})


@login_required
def company_edit(request, pk):
    company = _company(request, pk, "applications.change_company")
    form = CompanyForm(request.POST or None, instance=company)
    typed = []
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            services.update_company(company, by=request.user, **values)
        except services.ProfileConflict as conflict:
            # Nothing saved over the colleague's change: the form shows the profile as it is
            # now, and what this person typed that differs from it, to enter again.
            values.pop("version")
            typed = [
                (label, "—" if mine is None else mine)
                for label, mine, _saved in differences(form, values, conflict.current)
            ]
            form = CompanyForm(instance=conflict.current)
        else:
            messages.success(request, _("The company profile is saved."))
            return redirect("applications:company_detail", pk=company.pk)
    return render(
        request,
        "applications/company_form.html",
        {"form": form, "company": company, "typed": typed},
    )


@login_required
def company_detail(request, pk):
    company = _company(request, pk, "applications.view_company")
    can_manage_team = request.user.has_perm("applications.manage_team_company", company)
    form = InvitationForm(request.POST or None) if can_manage_team else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            invitation = services.invite_member(company, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            if invitation is None:  # the same form sent again: the first one's message waits
                return redirect("applications:company_detail", pk=company.pk)
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % form.cleaned_data,
            )
            return redirect("applications:company_detail", pk=company.pk)
    return render(
        request,
        "applications/company_detail.html",
        {
            "company": company,
            "invitation_form": form,
            "invitations": list(queries.open_invitations(company)) if can_manage_team else [],
            "can_manage_team": can_manage_team,
        },
    )


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    company = _company(request, pk, "applications.manage_team_company")
    member = get_object_or_404(company.members.select_related("user"), pk=member_pk)
    try:
        services.remove_company_member(company, user=member.user)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(
            request, _("%(person)s no longer has access to the company.") % {"person": member.user}
        )
    return redirect("applications:company_detail", pk=company.pk)


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    company = _company(request, pk, "applications.manage_team_company")
    invitation = get_object_or_404(company.invitations, pk=invitation_pk)
    try:
        services.revoke_invitation(invitation, by=request.user)
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("applications:company_detail", pk=company.pk)


@login_required
def invitation_accept(request, token):
    invitation = services.find_invitation(token)
    if request.method == "POST":
        try:
            member = services.accept_invitation(token, user=request.user)
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(
                request,
                _("You are now on the team of “%(company)s”.") % {"company": member.company},
            )
            return redirect("applications:company_detail", pk=member.company_id)
    return render(request, "applications/invitation_accept.html", {"invitation": invitation})
