"""The public results page (no log-in) and the managers' publish and unpublish buttons.

The page reads only ``by`` (one of the public breakdowns) from the address: nothing asked
for can narrow a breakdown below what ``publishing.public_breakdown`` has suppressed."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outcomes import figures, publishing
from outcomes.enums import Dimension
from outcomes.suppression import THRESHOLD
from portal.downloads import csv_download
from portal.feedback import attempt
from programs.queries import intakes_managed_by


def _dimension(request):
    asked = request.GET.get("by", "")
    return asked if asked in publishing.PUBLIC_DIMENSIONS else publishing.PUBLIC_DIMENSIONS[0]


@require_GET
def results(request, intake_pk=None):
    intake = None
    if intake_pk is not None:
        intake = get_object_or_404(publishing.published_intakes(), pk=intake_pk)
    dimension = _dimension(request)
    found = publishing.public_results(intake, dimension)
    if request.GET.get("format") == "csv":
        return _csv(found, intake)
    return render(
        request,
        "outcomes/public/results.html",
        found
        | {
            "intake": intake,
            "intakes": list(
                publishing.published_intakes()
                .select_related("program")
                .order_by("-placement_starts_on", "pk")
            ),
            "dimensions": [
                (value, Dimension(value).label) for value in publishing.PUBLIC_DIMENSIONS
            ],
            "dimension": dimension,
            "dimension_label": Dimension(dimension).label,
            "definitions": figures.DEFINITIONS,
            "threshold": THRESHOLD,
            "currency": settings.PORTAL_CURRENCY,
        },
    )


def _csv(found, intake):
    header = [_("Group"), _("Companies placed"), _("Opportunities identified"),
              _("Value identified")]  # fmt: skip
    rows = []
    breakdown = found["breakdown"]
    if not breakdown.withheld:
        for row in breakdown.rows:
            if row.hidden:
                rows.append([row.label, _("suppressed"), _("suppressed"), _("suppressed")])
            else:
                f = row.figures
                rows.append([row.label, f.companies, f.opportunities, f.value_identified])
    headline = found["headline"]
    total = _("All published results")
    if intake:
        total = _("Total of %(intake)s") % {"intake": intake.title}
    rows.append([total, headline.companies, headline.opportunities, headline.value_identified])
    name = f"results-{intake.pk}" if intake else "results"
    return csv_download(f"{name}.csv", header, rows)


def _managed(request, intake_pk):
    return get_object_or_404(intakes_managed_by(request.user), pk=intake_pk)


@login_required
@require_POST
def publish(request, intake_pk):
    intake = _managed(request, intake_pk)
    attempt(request, publishing.publish_results, _("The intake's results are public."), intake,
            by=request.user)  # fmt: skip
    return redirect("outcomes:documents")


@login_required
@require_POST
def unpublish(request, intake_pk):
    intake = _managed(request, intake_pk)
    if not request.user.has_perm("outcomes.publish_results", intake):
        raise Http404
    attempt(request, publishing.unpublish_results, _("The intake's results are no longer public."),
            intake, by=request.user)  # fmt: skip
    return redirect("outcomes:documents")
