"""The exchange rates page: managers and the director list the rates, add one by hand and
import a central bank's file when the portal cannot fetch it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from placements import queries, rate_imports
from placements.rate_forms import RateFileForm, RateFilter, RateForm
from placements.rates import record_rate
from portal.downloads import csv_download
from portal.filterbar import filter_fields
from portal.paging import PAGE_SIZE

COLUMNS = ["pk", "on", "base", "quote", "rate", "source", "entered_by__full_name"]


def _may_maintain(user):
    if not user.has_perm("placements.maintain_rates"):
        raise PermissionDenied


@login_required
@require_GET
def rate_list(request):
    _may_maintain(request.user)
    return _page(request)


def _page(request, *, form=None, upload=None, status=200):
    filters = RateFilter(request.GET)
    currency = filters.cleaned_data["currency"] if filters.is_valid() else ""
    rates = queries.rates_listed(currency=currency).values(*COLUMNS)
    if request.method == "GET" and request.GET.get("format") == "csv":
        return _csv(rates, currency)
    page = Paginator(rates, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/rates/list.html",
        {
            "filter_fields": filter_fields(filters),
            "csv_query": query.urlencode(),
            "page": page,
            "query": query.urlencode(),
            "rows": _rows(page.object_list),
            "form": form or RateForm(),
            "upload": upload or RateFileForm(),
        },
        status=status,
    )


def _rate_text(rate):
    separator = formats.get_format("DECIMAL_SEPARATOR")
    return format(rate.normalize(), "f").replace(".", separator)


def _rows(values):
    return [
        {
            "on": date_format(value["on"]),
            "base": value["base"],
            "quote": value["quote"],
            "rate": _rate_text(value["rate"]),
            "source": value["source"],
            "entered_by": value["entered_by__full_name"] or "",
        }
        for value in values
    ]


def _csv(rates, currency):
    header = [_("Date"), _("Currency"), _("In currency"), _("Rate"), _("Source"), _("Entered by")]

    rows = (
        [value["on"].isoformat(), value["base"], value["quote"],
         format(value["rate"].normalize(), "f"), value["source"], value["entered_by__full_name"]]
        for value in rates.iterator(chunk_size=1000)
    )  # fmt: skip
    name = f"exchange-rates-{currency}.csv" if currency else "exchange-rates.csv"
    return csv_download(name, header, rows)


@login_required
@require_POST
def rate_add(request):
    _may_maintain(request.user)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            rate = record_rate(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Recorded: 1 %(base)s = %(rate)s %(quote)s on %(date)s (%(source)s).")
                % {
                    "base": rate.base,
                    "rate": _rate_text(rate.rate),
                    "quote": rate.quote,
                    "date": date_format(rate.on),
                    "source": rate.source,
                },
            )
            return redirect("rates:list")
    return _page(request, form=form, status=400)


@login_required
@require_POST
def rate_upload(request):
    _may_maintain(request.user)
    upload = RateFileForm(request.POST, request.FILES)
    if upload.is_valid():
        try:
            report = rate_imports.import_file(upload.cleaned_data["file"].read())
        except rate_imports.RateFileError as error:
            upload.add_error("file", error)
        else:
            messages.success(request, _report_text(report))
            return redirect("rates:list")
    return _page(request, upload=upload, status=400)


def _report_text(report):
    text = _(
        "%(source)s: %(added)s rates added, %(skipped)s already recorded, %(blank)s empty "
        "cells (days without a rate)."
    ) % {
        "source": report.source,
        "added": report.added,
        "skipped": report.skipped,
        "blank": report.blank,
    }
    if report.first_day:
        text += " " + _("The file covers %(first)s to %(last)s.") % {
            "first": date_format(report.first_day),
            "last": date_format(report.last_day),
        }
    return text
