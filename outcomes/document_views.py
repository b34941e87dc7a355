"""Program reports and auditor's dossiers: asking for one, its progress, and the download.

Every page loads the document through ``require``: a document that is not the person's to
see is a 404, whatever its id."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outcomes import documents, queries
from outcomes.enums import DocumentKind, DocumentStatus
from placements.queries import placements_visible_to
from portal.access import require
from portal.feedback import refused
from programs.models import Program
from programs.queries import intakes_managed_by, programs_managed_by

VIEW = "outcomes.view_document"


def _document(request, pk):
    return require(request.user, VIEW, queries.documents_visible_to(request.user), pk=pk)


def _programs(user):
    return [
        program
        for program in programs_managed_by(user)
        if user.has_perm("programs.manage_program", program)
    ]


@login_required
def document_list(request):
    intakes = list(
        intakes_managed_by(request.user)
        .select_related("program", "results_publication")
        .order_by("-placement_starts_on", "pk")
    )
    programs = _programs(request.user)
    if not intakes and not programs:
        raise Http404
    listed = list(queries.documents_visible_to(request.user).order_by("-updated_at", "pk")[:50])
    return render(
        request,
        "outcomes/manage/documents.html",
        {"intakes": intakes, "programs": programs, "documents": listed},
    )


def _asked(request, document):
    if document.status in (DocumentStatus.QUEUED, DocumentStatus.BUILDING):
        messages.success(request, _("The document is being built; this page shows its progress."))
    return redirect("outcomes:document", document.pk)


@login_required
@require_POST
def build_program_report(request):
    intake_pk, program_pk = request.POST.get("intake"), request.POST.get("program")
    intake = program = None
    if intake_pk:
        intake = get_object_or_404(intakes_managed_by(request.user), pk=_int(intake_pk))
    else:
        program = get_object_or_404(Program, pk=_int(program_pk))
        if program not in _programs(request.user):
            raise Http404
    try:
        document = documents.request_document(
            DocumentKind.PROGRAM_REPORT, by=request.user, program=program, intake=intake,
            language=get_language(),
        )  # fmt: skip
    except ValidationError as error:
        refused(request, error)
        return redirect("outcomes:documents")
    return _asked(request, document)


@login_required
@require_POST
def build_dossier(request, placement_pk):
    placement = require(
        request.user,
        "placements.view_placement",
        placements_visible_to(request.user),
        act="placements.manage_placement",
        pk=placement_pk,
    )
    try:
        document = documents.request_document(
            DocumentKind.DOSSIER, by=request.user, program=None, placement=placement,
            language=get_language(),
        )  # fmt: skip
    except ValidationError as error:
        refused(request, error)
        return redirect("outcomes:documents")
    return _asked(request, document)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def document(request, pk):
    document = _document(request, pk)
    return render(
        request,
        "outcomes/manage/document.html",
        {
            "document": document,
            "ready": document.status == DocumentStatus.READY,
            "out_of_date": documents.is_out_of_date(document),
            "events": list(document.events.select_related("actor").order_by("at", "pk")),
        },
    )


@login_required
def document_progress(request, pk):
    """The progress bar the document's page polls; once it is over the page reloads."""
    document = _document(request, pk)
    if document.is_finished and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "outcomes/manage/_document_progress.html", {"document": document})


@login_required
def download(request, pk):
    document = _document(request, pk)
    if document.status != DocumentStatus.READY or not document.file:
        raise Http404
    content_type = "application/pdf" if document.filename.endswith(".pdf") else "application/zip"
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=content_type,
    )
