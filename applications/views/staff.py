"""Program managers read an intake's applications: filtered list, CSV export, detail."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import forms, queries, services
from applications.enums import REVIEWABLE, ApplicationStatus
from applications.filters import ApplicationFilter
from applications.models import Application
from portal.access import get_permitted_object
from portal.feedback import refused
from portal.filterbar import filter_fields
from programs.forms import wall_clock
from programs.queries import managed_intake

PAGE_SIZE = 50
# Where a manager may decide the screening by hand, either way.
OVERRIDABLE = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SCREENING,
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.IN_REVIEW,
]


@login_required
def application_list(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    filters = ApplicationFilter(
        request.GET, queryset=queries.intake_applications(intake), intake=intake
    )
    valid = filters.is_valid()
    if request.GET.get("format") == "csv":
        return _csv(intake, filters.qs if valid else Application.objects.none())
    listed = queries.list_rows(filters.qs) if valid else []
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/staff/list.html",
        {
            "intake": intake,
            "filter_fields": filter_fields(filters.form),
            "page": page,
            "query": query.urlencode(),
            "statuses": dict(ApplicationStatus.choices),
        },
    )


class Echo:
    """A file for csv.writer that hands each line back, for a streamed response."""

    def write(self, value):
        return value


def _csv(intake, applications):
    writer = csv.writer(Echo())
    header = [_("Company"), _("Country"), _("Sector"), _("Status"), _("Submitted"),
              _("Host preferences"), _("Start"), _("End"), _("Budget")]  # fmt: skip

    def rows():
        yield writer.writerow(header)
        for application in queries.for_export(applications).iterator(chunk_size=500):
            yield writer.writerow(_csv_row(application))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="intake-{intake.pk}-applications.csv"'
    return response


def _csv_row(application):
    # A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
    def safe(value):
        text = "" if value is None else str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text

    return [
        safe(application.company.name),
        application.company.country.code,
        application.company.sector.code if application.company.sector_id else "",
        application.status,
        application.submitted_at.isoformat() if application.submitted_at else "",
        safe(" > ".join(p.host.name for p in application.host_preferences.all())),
        application.proposed_start or "",
        application.proposed_end or "",
        application.budget_total.amount if application.budget_total is not None else "",
    ]


@login_required
def application_detail(request, pk):
    application = get_permitted_object(
        request.user,
        queries.with_review(queries.with_everything(queries.applications_visible_to(request.user))),
        "applications.extend_application",
        pk=pk,
    )
    screening = getattr(application, "screening", None)
    return render(
        request,
        "applications/staff/detail.html",
        {
            "application": application,
            "screening": screening,
            "override_form": forms.ScreeningOverrideForm(),
            "assign_form": forms.AssignForm(reviewers=queries.reviewers_of(application.intake)),
            "can_override": application.status in OVERRIDABLE,
            "can_assign": application.status in REVIEWABLE,
            "can_shortlist": application.status
            in (ApplicationStatus.IN_REVIEW, ApplicationStatus.SHORTLISTED),
            "criteria": list(application.intake.criteria.all()),
            "missing": services.missing_items(application) if application.is_editable else [],
            "total": services.budget_total(application.budget_lines.all()),
            "extension_form": forms.ExtensionForm(),
            "offer": queries.offer_of(application),
        },
    )


@login_required
@require_POST
def extend(request, pk):
    application = get_permitted_object(
        request.user,
        queries.applications_visible_to(request.user),
        "applications.extend_application",
        pk=pk,
    )
    form = forms.ExtensionForm(request.POST)
    if form.is_valid():
        until = wall_clock(form.cleaned_data["until"], application.intake.zone)
        try:
            services.extend_deadline(
                application, by=request.user, until=until, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("The deadline is extended for this applicant."))
    else:
        messages.error(request, _("Give a new deadline and a reason."))
    return redirect("applications:manage_application", pk=application.pk)
