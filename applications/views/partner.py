"""Host-incubator partners: host-fit opinions on shortlisted applicants who chose them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from applications import forms, queries, services
from applications.enums import HostFit
from portal.feedback import refused
from portal.rows import labels, render_rows
from portal.templatetags.words import colon
from programs.enums import SectorCode

PAGE_SIZE = 25


@login_required
def host_fit_queue(request):
    page = Paginator(queries.host_fit_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "applications/partner/host_fit.html",
        {"page": page, "rows_html": render_rows(ROW, _rows(request, page)),
         "has_rows": bool(page.object_list)},
    )  # fmt: skip


ROW = "applications/partner/_host_fit.row.html"


def _rows(request, page):
    """Each waiting pair as strings for the row pattern, with its own small form."""
    sectors = labels(SectorCode)
    choices = [(value, str(label)) for value, label in HostFit.choices]
    action = reverse("applications:host_fit_queue")
    words = {
        "csrf": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        ),
        "opinion_label": _("Opinion"),
        "note_label": _("Note"),
        "save": _("Save"),
        "page": page.number,
    }
    given = format_html(' <span class="badge">{}</span>', pgettext("host-fit opinion", "Given"))
    rows = []
    for value in page.object_list:
        start, end = value["application__proposed_start"], value["application__proposed_end"]
        application, host = value["application_id"], value["host_id"]
        opinion = value["opinion"] or ""
        rows.append(
            words | {
                "key": f"{application}-{host}",
                "action": f"{action}{application}/{host}/",
                "company": value["application__company__name"],
                "country": value["application__company__country"],
                "sector": sectors.get(value["application__company__sector__code"], "—"),
                "intake": value["application__intake__title"],
                "choice": _("%(host)s, choice %(rank)s")
                % {"host": value["host__name"], "rank": value["rank"]},
                "dates": (
                    f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"
                    if start and end else "—"
                ),
                "offering": _paragraph(
                    _("Product or service"), value["application__company__offering"]
                ),
                "why": _paragraph(_("Why this market"), value["application__why_this_market"]),
                "options": format_html_join(
                    "", '<option value="{}"{}>{}</option>',
                    ((v, mark_safe(" selected") if v == opinion else "", label)  # noqa: S308
                     for v, label in choices),
                ),
                "note": value["note"] or "",
                "given": given if opinion else "",
            }
        )  # fmt: skip
    return rows


def _paragraph(label, text):
    if not text:
        return ""
    return format_html("<p><strong>{}{}</strong> {}</p>", label, colon(), linebreaksbr(text))


@login_required
@require_POST
def give_host_fit(request, application_pk, host_pk):
    target = queries.host_fit_target(request.user, application_pk, host_pk)
    if target is None:  # another host's applicant, or not shortlisted: not this person's
        raise Http404
    form = forms.HostFitForm(request.POST)
    page = request.POST.get("page", "")
    back = reverse("applications:host_fit_queue") + (f"?page={page}" if page.isdigit() else "")
    if not form.is_valid():
        messages.error(request, _("Choose good fit, possible or not a fit."))
        return redirect(back)
    try:
        services.give_host_fit(
            target.application, target.host, by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        refused(request, error)
    else:
        messages.success(
            request,
            _("Opinion on %(company)s saved.") % {"company": target.application.company.name},
        )
    return redirect(back)
