"""Host-incubator partners: host-fit opinions on shortlisted applicants who chose them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import forms, queries, services
from applications.access import host_fit_target
from applications.enums import HostFit
from portal.decorators import only_reads
from portal.paging import PAGE_SIZE, Counted
from portal.rows import labels
from programs import queries as programs_queries
from programs.enums import SectorCode


@login_required
@only_reads
def host_fit_queue(request):
    return _queue_page(request, request.GET.get("page"))


def _queue_page(request, number, *, refused=None, status=200):
    """A page of the person's host-fit queue. ``refused``: an opinion not saved, as
    (target, bound form, reasons), drawn again in its row with what was typed and why (or
    above the queue, when its row is not on the page any more), and with the opinion saved
    now as the one it was drawn with: Save again replaces a colleague's opinion knowingly."""
    hosts = programs_queries.partner_host_names(request.user)
    listed = Counted(queries.host_fit_queue(request.user), queries.host_fit_count(request.user))
    page = Paginator(listed, PAGE_SIZE).get_page(number)
    rows = _rows(page, hosts)
    not_saved = None
    if refused is not None:
        target, form, reasons = refused
        typed = {"opinion": form.data.get("opinion", ""), "note": form.data.get("note", "")}
        key = f"{target.application_id}-{target.host_id}"
        row = next((row for row in rows if row["key"] == key), None)
        if row is not None:
            row.update(typed, errors=reasons)
        else:
            not_saved = {"company": target.application.company.name, "reasons": reasons} | typed
    return render(
        request,
        "applications/partner/host_fit.html",
        {"page": page, "rows": rows, "opinions": labels(HostFit), "not_saved": not_saved},
        status=status,
    )


def _rows(page, hosts):
    """Each waiting (application, host) pair of the page (dicts of HOST_FIT_COLUMNS) as
    strings, formatted once per page: the template's loop only prints them. ``hosts``: the
    person's hosts' names by pk."""
    sectors = labels(SectorCode)
    codes = programs_queries.sector_codes()
    titles = programs_queries.intake_titles(
        value["application__intake_id"] for value in page.object_list
    )
    choice = _("%(host)s, choice %(rank)s")
    rows = []
    for value in page.object_list:
        start, end = value["application__proposed_start"], value["application__proposed_end"]
        application, host = value["application_id"], value["host_id"]
        sector = codes.get(value["application__company__sector_id"])
        rows.append(
            {
                "key": f"{application}-{host}",
                "action": reverse("applications:give_host_fit", args=[application, host]),
                "company": value["application__company__name"],
                "country": value["application__company__country"],
                "sector": sectors.get(sector, "—"),
                "intake": titles[value["application__intake_id"]],
                "choice": choice % {"host": hosts[host], "rank": value["rank"]},
                "dates": (f"{date_format(start)} – {date_format(end)}" if start and end else "—"),
                "offering": value["application__company__offering"],
                "why": value["application__why_this_market"],
                "opinion": value["opinion"] or "",
                "has_opinion": bool(value["opinion"]),
                "note": value["note"] or "",
                # As saved now, sent back with the form whatever is typed over the fields
                # above (a refused save draws them again as typed): a colleague's opinion saved
                # since is then not overwritten unseen.
                "drawn": {"opinion": value["opinion"] or "", "note": value["note"] or ""},
            }
        )
    return rows


@login_required
@require_POST
def give_host_fit(request, application_pk, host_pk):
    # Another host's applicant, or one not shortlisted, is not this person's: a 404.
    target = host_fit_target(request.user, application_pk, host_pk)
    form = forms.HostFitForm(request.POST)
    page = request.POST.get("page", "")
    if form.is_valid():
        try:
            services.give_host_fit(
                target.application, target.host, by=request.user, drawn=form.drawn(),
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as error:
            reasons = error.messages
        else:
            messages.success(
                request,
                _("Opinion on %(company)s saved.") % {"company": target.application.company.name},
            )
            back = reverse("applications:host_fit_queue")
            return redirect(back + (f"?page={page}" if page.isdigit() else ""))
    else:
        reasons = [_("Choose good fit, possible or not a fit.")] if "opinion" in form.errors else []
        reasons += form.errors.get("note", [])
    # Refused: the queue again, the note and the opinion as typed next to the reason.
    return _queue_page(request, page, refused=(target, form, reasons), status=400)
