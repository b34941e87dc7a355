"""Program managers read an intake's applications: filtered list, CSV export, detail."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from applications import forms, queries, services
from applications import rules as perms
from applications.access import application_for
from applications.enums import ApplicationStatus
from applications.filters import ApplicationFilter
from applications.models import Application
from portal.dates import moment_writer
from portal.decorators import only_reads
from portal.downloads import csv_download
from portal.feedback import written
from portal.filterbar import filter_fields
from portal.paging import PAGE_SIZE, Counted
from portal.rows import labels, number_format
from programs.access import managed_intake
from programs.enums import SectorCode
from programs.forms import wall_clock


@only_reads
@login_required
def application_list(request, intake_pk):
    intake = managed_intake(request.user, intake_pk)
    filters = ApplicationFilter(
        request.GET, queryset=queries.intake_applications(intake), intake=intake
    )
    valid = filters.is_valid()
    if request.GET.get("format") == "csv":
        return _csv(intake, filters.qs if valid else Application.objects.none())
    listed = []
    if valid:
        total = filters.kept_total()
        listed = filters.qs.values(*queries.LIST_COLUMNS)
        if total is not None:  # else the Paginator counts the filtered rows
            listed = Counted(listed, total)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _rows(list(page.object_list))
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
            "rows": rows,
        },
    )


def _rows(values):
    """The page's rows (dicts of LIST_COLUMNS), formatted once per page: the template's loop
    only prints them."""
    hosts = queries.host_names(values)
    statuses = labels(ApplicationStatus)
    sectors = labels(SectorCode)
    amount = number_format(2)
    moment = moment_writer()
    rows = []
    for value in values:
        submitted = value["submitted_at"]
        total = value["budget_total"]
        rows.append(
            {
                "url": reverse("applications:manage_application", args=[value["pk"]]),
                "company": value["company__name"],
                "country": value["company__country"],
                "sector": sectors.get(value["company__sector__code"], "—"),
                "status": statuses[value["status"]],
                "submitted": moment(submitted) if submitted else "—",
                "hosts": " › ".join(hosts.get(value["pk"], [])),
                "budget": amount(total) if total is not None else "—",
            }
        )
    return rows


def _csv(intake, applications):
    # People read the labels, in their language; the codes have columns of their own.
    budget = _("Budget (%(currency)s)") % {"currency": settings.PORTAL_CURRENCY}
    header = [_("Company"), _("Country"), _("Country code"), _("Sector"), _("Sector code"),
              _("Status"), _("Status code"), pgettext("date", "Submitted"), _("Host preferences"),
              _("Start"), _("End"), budget]  # fmt: skip

    rows = map(_csv_row, queries.for_export(applications).iterator(chunk_size=500))
    return csv_download(f"intake-{intake.pk}-applications.csv", header, rows)


def _csv_row(application):
    return [
        application.company.name,
        application.company.country.name,
        application.company.country.code,
        application.company.sector.get_code_display() if application.company.sector_id else "",
        application.company.sector.code if application.company.sector_id else "",
        application.get_status_display(),
        application.status,
        application.submitted_at.isoformat() if application.submitted_at else "",
        " > ".join(p.host.name for p in application.host_preferences.all()),
        application.proposed_start or "",
        application.proposed_end or "",
        application.budget_total.amount if application.budget_total is not None else "",
    ]


@login_required
def application_detail(request, pk):
    return detail_page(request, pk)


def detail_page(request, pk, *, extension_form=None, override_form=None, status=200):
    """The application's page for its managers; ``extension_form``, ``override_form``: the
    extension or the screening decision refused, drawn again with what was typed and why."""
    application = application_for(
        request.user,
        pk,
        act="applications.extend_application",
        queryset=queries.with_review(queries.with_everything(Application.objects.all())),
    )
    screening = getattr(application, "screening", None)
    user = request.user
    return render(
        request,
        "applications/staff/detail.html",
        {
            "application": application,
            "screening": screening,
            "override_form": override_form
            or forms.ScreeningOverrideForm(decisions=perms.screening_decisions(application.status)),
            "assign_form": forms.AssignForm(reviewers=queries.reviewers_of(application.intake)),
            "can_override": perms.can_be_screened_by_hand(user, application),
            "can_assign": perms.can_take_reviewers(user, application),
            "can_shortlist": perms.can_be_shortlisted(user, application),
            "on_shortlist": perms.is_on_shortlist(user, application),
            "criteria": list(application.intake.criteria.all()),
            "missing": services.missing_items(application) if application.is_editable else [],
            "total": services.budget_total(application.budget_lines.all()),
            "extension_form": extension_form or forms.ExtensionForm(),
            "offer": queries.offer_of(application),
        },
        status=status,
    )


@login_required
@require_POST
def extend(request, pk):
    application = application_for(request.user, pk, act="applications.extend_application")
    form = forms.ExtensionForm(request.POST)

    def extend_deadline(data):
        services.extend_deadline(
            application,
            by=request.user,
            until=wall_clock(data["until"], application.intake.zone),
            reason=data["reason"],
            message=data["message"],
        )

    if written(form, extend_deadline):
        messages.success(request, _("The deadline is extended for this applicant."))
        return redirect("applications:manage_application", pk=application.pk)
    # Refused (by the form or the service): the page again, with the message to the
    # applicant and the staff note as typed, and why.
    return detail_page(request, application.pk, extension_form=form, status=400)
