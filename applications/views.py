from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import queries, services
from applications.forms import CompanyForm
from portal.access import get_permitted_object


@login_required
def company_create(request):
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = services.register_company(request.user, **form.cleaned_data)
        messages.success(
            request, _("%(name)s is registered. You are its owner.") % {"name": company.name}
        )
        return redirect("applications:company_detail", pk=company.pk)
    return render(request, "applications/company_form.html", {"form": form})


@login_required
def company_detail(request, pk):
    company = get_permitted_object(
        request.user,
        queries.companies_visible_to(request.user),
        "applications.view_company",
        pk=pk,
    )
    return render(request, "applications/company_detail.html", {"company": company})
