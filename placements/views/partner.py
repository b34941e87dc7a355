"""Host-incubator partners: the workspace (firms to confirm, arriving, in residence, gone)
and confirming desk and dates, which the program's managers may do too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from placements import forms, queries, services
from placements.enums import PlacementStatus
from placements.models import Placement
from portal.access import require
from portal.dates import day_writer, span
from portal.decorators import only_reads
from portal.paging import PAGE_SIZE, Counted
from portal.rows import labels


@only_reads
@login_required
def workspace(request):
    user = request.user
    hosts = list(user.partner_hosts.order_by("name").values_list("name", flat=True))
    if not hosts:  # not partner staff of any host (any more): not this person's page
        raise Http404
    tab = request.GET.get("tab")
    if tab not in queries.TABS:
        tab = "confirm"
    today = timezone.localdate()
    counts = queries.partner_counts(user, today)
    if tab == "confirm":
        listed = queries.partner_waiting(user)
    else:
        listed = queries.partner_placements(user, tab, today)
    # The tab's total is its count above (the same filter, the same day): no count query.
    page = Paginator(Counted(listed, counts[tab]), PAGE_SIZE).get_page(request.GET.get("page"))
    values = list(page.object_list)
    rows = _waiting_rows(values) if tab == "confirm" else _placement_rows(values)
    tab_names = {
        "confirm": _("To confirm"),
        "arriving": _("Arriving"),
        "residence": _("In residence"),
        "overdue": _("Check-in overdue"),
        "gone": _("Gone"),
    }
    tabs = [
        {"key": key, "label": tab_names[key], "count": counts[key], "current": key == tab}
        for key in queries.TABS
    ]
    return render(
        request,
        "placements/partner/workspace.html",
        {
            "hosts": hosts,
            "tab": tab,
            "tabs": tabs,
            "page": page,
            "query": f"tab={tab}",
            "rows": rows,
        },
    )


def _waiting_rows(values):
    """Accepted offers waiting for the host (dicts of WAITING_COLUMNS), with the dates the
    form starts from: the offer's, else the firm's proposal."""
    write_day = day_writer()
    rows = []
    for value in values:
        start = value["starts_on"] or value["application__proposed_start"]
        end = value["ends_on"] or value["application__proposed_end"]
        rows.append(
            {
                "key": value["pk"],
                "action": reverse("placements:confirm", args=[value["pk"]]),
                "company": value["application__company__name"],
                "country": value["application__company__country"],
                "host": value["host__name"],
                "intake": value["intake__title"],
                "window": span(
                    write_day,
                    value["intake__placement_starts_on"],
                    value["intake__placement_ends_on"],
                ),
                "max_stay": value["intake__max_stay_days"],
                "start": start.isoformat() if start else "",
                "end": end.isoformat() if end else "",
            }
        )
    return rows


def _placement_rows(values):
    statuses = labels(PlacementStatus)
    write_day = day_writer()
    rows = []
    for value in values:
        rows.append(
            {
                "url": reverse("placements:detail", args=[value["pk"]]),
                "company": value["company__name"],
                "country": value["company__country"],
                "host": value["host__name"],
                "intake": value["intake__title"],
                "desk": value["desk"] or "—",
                "dates": span(write_day, value["starts_on"], value["ends_on"]),
                "arrived": write_day(value["arrived_on"]),
                "departed": write_day(value["departed_on"]),
                "status": statuses[value["status"]],
            }
        )
    return rows


@login_required
def confirm(request, offer_pk):
    user = request.user
    offer = require(user, "placements.confirm_offer", queries.confirmable_offers(user), pk=offer_pk)
    existing = Placement.objects.filter(offer=offer).first()
    if request.method == "POST":
        form = forms.ConfirmForm(request.POST)
        if form.is_valid():
            try:
                placement = services.confirm_placement(offer, by=user, **form.cleaned_data)
            except ValidationError as error:
                existing = Placement.objects.filter(offer=offer).first()
                if existing is not None:  # someone else (or this person) was first
                    for message in error.messages:
                        messages.warning(request, message)
                    return redirect("placements:detail", existing.pk)
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Desk and dates of %(company)s confirmed.")
                    % {"company": offer.application.company.name},
                )
                return redirect("placements:detail", placement.pk)
    else:
        if existing is not None:
            return redirect("placements:detail", existing.pk)
        application = offer.application
        form = forms.ConfirmForm(
            initial={
                "starts_on": offer.starts_on or application.proposed_start,
                "ends_on": offer.ends_on or application.proposed_end,
            }
        )
    return render(request, "placements/confirm.html", {"offer": offer, "form": form})
