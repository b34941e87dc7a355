"""Documents built by a worker: the program report (PDF) and the auditor's dossier (zip).

A ``Document`` row stands for one thing in one language. ``request_document`` creates it or
queues it again (a rebuild: ``build`` goes up); the Celery task ``outcomes.build_document``
calls ``build_document`` with the build it was queued for. Its status changes only through
``change_document_status`` (row locked by the caller, DOCUMENT_TRANSITIONS checked, a
DocumentEvent written). Progress is written in short transactions of its own, only while
that build is under way, so the page's progress bar moves while the worker draws.

No two files: the file is written while the row is locked, under a name fixed by the document
and its build (whatever was there is deleted first), and only if that build is still under
way; a retried or duplicated task finds it ready and writes nothing. The previous build's
file is deleted once the new one is saved.

WeasyPrint is imported inside ``render_pdf`` only, so a machine without Pango serves every
other page.
"""

import datetime
import hashlib
import io
import logging
import zipfile
from dataclasses import astuple

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from djmoney.money import Money

from applications.models import Application, Screening
from outcomes import charts, figures
from outcomes.enums import (
    DOCUMENT_TRANSITIONS,
    DOCUMENT_UNDER_WAY,
    Basis,
    Dimension,
    DocumentKind,
    DocumentStage,
    DocumentStatus,
    ReportStatus,
)
from outcomes.models import Document, DocumentEvent, ReportEvent
from placements import money_history as placements_history
from placements.enums import AwardStatus, ClaimStatus, MoneyNote, TrancheStatus
from placements.models import Placement, StipendAward
from portal.links import link_to
from portal.rows import labels
from portal.services import queue_email_to_people, queue_task
from programs.models import Intake

logger = logging.getLogger(__name__)
D = DocumentStatus
STAGE = DocumentStage


# --- Asking for a document ----------------------------------------------------------------


def _require(user, document):
    if not user.has_perm("outcomes.build_document", document):
        raise ValidationError(_("You may not build this document."))


@transaction.atomic
def request_document(kind, *, by, program, intake=None, placement=None, language=None):
    """Queue the document (program report of a program or an intake, or a placement's
    dossier) in ``language``: a new row, or the existing one built again. Asking while it is
    under way changes nothing."""
    from outcomes.tasks import build_document as task

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    language = language.split("-")[0]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if kind == DocumentKind.DOSSIER and placement is None:
        raise ValidationError(_("A dossier is about one placement."))
    if placement is not None:
        intake, program = placement.intake, placement.intake.program
    elif intake is not None:
        program = intake.program
    document = Document(
        kind=kind,
        program=program,
        intake=intake,
        placement=placement,
        language=language,
        requested_by=by,
    )
    _require(by, document)
    existing = (
        Document.objects.select_for_update(no_key=True)
        .filter(kind=kind, program=program, intake=intake, placement=placement, language=language)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError:
            # Someone asked for the same document at the same moment: theirs is under way.
            return Document.objects.get(
                kind=kind, program=program, intake=intake, placement=placement, language=language
            )
        DocumentEvent.objects.create(
            document=document, actor=by, to_status=D.QUEUED, build=document.build
        )
    elif existing.status in DOCUMENT_UNDER_WAY:
        return existing
    else:
        document = existing
        document.build += 1
        document.progress, document.stage, document.error = 0, STAGE.QUEUED, ""
        document.requested_by = by
        change_document_status(
            document,
            to=D.QUEUED,
            by=by,
            note=_("Built again"),
            fields=["build", "progress", "stage", "error", "requested_by"],
        )
    queue_task(task, document_id=document.pk, build=document.build)
    return document


def change_document_status(document, *, to, by=None, note="", fields=()):
    """The one way a document's status changes: ``document`` is a row the caller locked
    (``select_for_update``); checked against DOCUMENT_TRANSITIONS, moved, saved with the
    caller's ``fields``, and recorded (who, from, to, which build, when, note)."""
    if to not in DOCUMENT_TRANSITIONS[document.status]:
        raise ValidationError(
            _("A document that is %(current)s cannot become %(target)s.")
            % {"current": D(document.status).label.lower(), "target": D(to).label.lower()}
        )
    event = DocumentEvent(
        document=document,
        actor=by,
        from_status=document.status,
        to_status=to,
        build=document.build,
        note=note,
    )
    document.status = to
    document.save(update_fields=["status", "updated_at", *fields])
    event.save()
    return document


def _lock(document):
    return Document.objects.select_for_update(of=("self",), no_key=True).get(pk=document.pk)


def _progress(document, build, progress, stage):
    """What the page polls: a short transaction of its own, touching only this build while
    it is under way (a late duplicate never moves a finished document back)."""
    Document.objects.filter(pk=document.pk, build=build, status=D.BUILDING).update(
        progress=progress, stage=stage, updated_at=timezone.now()
    )


def requeue_stalled_documents(older_than=datetime.timedelta(minutes=10)):
    """Beat job: queue again the documents whose task an outage lost."""
    from outcomes.tasks import build_document as task

    cutoff = timezone.now() - older_than
    stalled = Document.objects.filter(status__in=DOCUMENT_UNDER_WAY, updated_at__lte=cutoff)
    for document_id, build in stalled.values_list("pk", "build"):
        with transaction.atomic():
            queue_task(task, document_id=document_id, build=build)


# --- Building -----------------------------------------------------------------------------


def build_document(document, build):
    """The task's work. Does nothing for a build that is over or superseded; a failure is
    kept with its reason and leaves the previous file, if any, as it was."""
    with transaction.atomic():
        document = _lock(document)
        if document.build != build or document.status not in DOCUMENT_UNDER_WAY:
            return document
        if document.status == D.QUEUED:
            document.progress, document.stage = 5, STAGE.READING
            change_document_status(document, to=D.BUILDING, fields=["progress", "stage"])
    try:
        with translation.override(document.language):
            if document.kind == DocumentKind.PROGRAM_REPORT:
                name, content, as_of, digest = program_report(document, build)
            else:
                (name, content, as_of), digest = dossier(document, build), ""
        _progress(document, build, 95, STAGE.SAVING)
        _keep(document, build, name, content, as_of, digest)
    except Exception as error:
        logger.exception("Document %s (build %s) failed.", document.pk, build)
        _fail(document, build, f"{type(error).__name__}: {error}"[:2000])
    document.refresh_from_db()
    return document


@transaction.atomic
def _keep(document, build, name, content, as_of, digest):
    document = _lock(document)
    if document.build != build or document.status != D.BUILDING:
        return  # a duplicate task kept its file first, or a newer build was asked for
    storage = document.file.storage
    old = document.file.name
    path = f"documents/{document.pk}/{build}/{name}"
    if storage.exists(path):  # left by an earlier try of this build that died after saving
        storage.delete(path)
    document.file.save(name, ContentFile(content), save=False)
    document.progress, document.stage = 100, STAGE.DONE
    document.finished_at, document.data_as_of = timezone.now(), as_of
    document.data_fingerprint = digest
    change_document_status(
        document,
        to=D.READY,
        fields=["file", "progress", "stage", "finished_at", "data_as_of", "data_fingerprint"],
    )
    if old and old != document.file.name:
        transaction.on_commit(lambda: storage.delete(old))
    _tell_ready(document)


@transaction.atomic
def _fail(document, build, error):
    document = _lock(document)
    if document.build != build or document.status not in DOCUMENT_UNDER_WAY:
        return
    document.progress, document.stage, document.error = 100, STAGE.FAILED, error
    document.finished_at = timezone.now()
    change_document_status(
        document, to=D.FAILED, note=error, fields=["progress", "stage", "error", "finished_at"]
    )


def _tell_ready(document):
    person = document.requested_by
    queue_email_to_people(
        [(person.email, person.language)],
        key=f"document-ready:{document.pk}:{document.build}",
        template="outcomes/email/document_ready",
        context={
            "document": document,
            "kind": DocumentKind(document.kind).label,
            "link": link_to("outcomes:document", document.pk),
        },
        intake_ref=document.intake_id,
    )


def render_pdf(html):
    """HTML to PDF bytes with WeasyPrint (imported here, so the rest of the portal runs on a
    machine without Pango), styled by static/css/document.css."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find("css/document.css"))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[stylesheet])


def verified_changed_at(intakes):
    """When a report of these intakes last became verified or stopped being so (a firm
    editing its verified report): the moment a program report states its figures are
    from. The moments are stamped in commit order per program
    (services.change_report_status)."""
    return ReportEvent.objects.filter(
        Q(to_status=ReportStatus.VERIFIED) | Q(from_status=ReportStatus.VERIFIED),
        report__placement__intake__in=intakes,
    ).aggregate(latest=Max("at"))["latest"]


def is_out_of_date(document):
    """Whether a program report drawn now would show other figures than this one: any
    verification, payment, placement, rate or name behind them changed since. The figures
    are computed again (a few grouped queries) and compared with the digest kept when the
    document was built (``data_fingerprint``, of the very figures it shows)."""
    if document.kind != DocumentKind.PROGRAM_REPORT or document.status != D.READY:
        return False
    if not document.data_fingerprint:
        # Built before digests were kept: out of date once a verification came after it.
        latest = verified_changed_at(_intakes_of(document))
        return latest is not None and (document.data_as_of is None or latest > document.data_as_of)
    with translation.override(document.language):
        return fingerprint(shown_figures(document)) != document.data_fingerprint


def _intakes_of(document):
    if document.intake_id:
        return Intake.objects.filter(pk=document.intake_id)
    return Intake.objects.filter(program=document.program_id)


# --- The program report -------------------------------------------------------------------


def _money(value):
    return Money(value, settings.PORTAL_CURRENCY)


def shown_figures(document):
    """The figures the program report shows, as the records decide them now: the headline
    (verified and reported), the breakdowns, the values by year and the intakes covered."""
    intakes = _intakes_of(document)
    scope = figures.Scope(intakes, intake=document.intake_id)
    dimensions = [Dimension.MARKET, Dimension.SECTOR, Dimension.HOST, Dimension.YEAR]
    if not document.intake_id:
        dimensions.insert(0, Dimension.INTAKE)
    found = {
        dimension: figures.breakdown(scope, dimension, Basis.VERIFIED) for dimension in dimensions
    }
    return {
        "verified": figures.headline(scope, Basis.VERIFIED),
        "reported": figures.headline(scope, Basis.REPORTED),
        "breakdowns": [(Dimension(dimension).label, found[dimension]) for dimension in dimensions],
        "by_market": found[Dimension.MARKET],
        "by_year": figures.by_year_identified(scope, Basis.VERIFIED),
        # What the cost, and so the ROI, leaves out (no rate for the day paid): said beside.
        "left_out": figures.payments_left_out(scope),
        "intakes": list(
            intakes.order_by("placement_starts_on", "pk").values_list("title", flat=True)
        ),
    }


def fingerprint(shown):
    """A digest of ``shown`` (shown_figures): every number, group and name the report
    prints, so two digests are equal when the reports would print the same figures."""
    parts = [
        astuple(shown["verified"]),
        astuple(shown["reported"]),
        [
            (str(label), [(row.group, row.label, astuple(row.figures)) for row in rows])
            for label, rows in shown["breakdowns"]
        ],
        shown["by_year"],
        shown["intakes"],
    ]
    if shown["left_out"]:
        # Only when some are: the digests kept of reports that leave nothing out stay equal.
        left_out = shown["left_out"]
        parts.append([(x.amount.amount, str(x.amount.currency), x.payments) for x in left_out])
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def report_context(document, shown=None, as_of=None):
    """Everything the program report shows: the figures (``shown``, read after ``as_of``,
    or both read now), the charts, the definitions and the method."""
    if shown is None:
        # Read before the figures: a report verified while they are read is later than
        # what the document says its figures are from, never earlier.
        as_of = verified_changed_at(_intakes_of(document))
        shown = shown_figures(document)
    verified, reported = shown["verified"], shown["reported"]
    return {
        "document": document,
        "program": document.program,
        "intake": document.intake,
        "currency": settings.PORTAL_CURRENCY,
        "verified": verified,
        "reported": reported,
        "money": {
            "verified": {
                "value_identified": _money(verified.value_identified),
                "value_won": _money(verified.value_won),
                "investment": _money(verified.investment),
                "cost": _money(verified.cost),
            },
            "reported": {
                "value_identified": _money(reported.value_identified),
                "value_won": _money(reported.value_won),
                "investment": _money(reported.investment),
                "cost": _money(reported.cost),
            },
        },
        "breakdowns": shown["breakdowns"],
        "definitions": figures.DEFINITIONS,
        "market_chart": charts.bars(
            [(row.label, row.figures.value_identified) for row in shown["by_market"]]
        ),
        "time_chart": charts.columns(shown["by_year"]),
        "left_out": shown["left_out"],
        "intakes": shown["intakes"],
        "generated_at": timezone.now(),
        "as_of": as_of,
    }


def report_html(document, shown=None, as_of=None):
    """The HTML the program report's PDF is drawn from, in the document's language (tests
    read it, too)."""
    with translation.override(document.language):
        context = report_context(document, shown, as_of)
        return render_to_string("outcomes/documents/program_report.html", context)


def _name(document, *parts, extension):
    words = [slugify(str(part)) for part in parts if part]
    return "-".join([word for word in words if word] + [document.language]) + extension


def program_report(document, build):
    """(file name, PDF, the moment its figures are from, the digest of its figures)."""
    _progress(document, build, 20, STAGE.FIGURES)
    # Before the figures (see report_context), not after the seconds the PDF takes.
    as_of = verified_changed_at(_intakes_of(document))
    with translation.override(document.language):
        shown = shown_figures(document)
    html = report_html(document, shown, as_of)
    _progress(document, build, 60, STAGE.RENDERING)
    pdf = render_pdf(html)
    title = document.intake.title if document.intake_id else document.program.name
    name = _name(document, _("program report"), title, extension=".pdf")
    return name, pdf, as_of, fingerprint(shown)


# --- The auditor's dossier ----------------------------------------------------------------


def _pdf(template, context):
    return render_pdf(render_to_string(f"outcomes/documents/{template}", context))


def dossier_parts(placement):
    """The records of one placement, read once: what the dossier's PDFs show."""
    placement = Placement.objects.select_related(
        "company", "intake__program", "host__market", "offer__application"
    ).get(pk=placement.pk)
    application = (
        Application.objects.select_related("company", "intake")
        .prefetch_related("host_preferences__host", "budget_lines", "documents", "events__actor")
        .get(pk=placement.offer.application_id)
    )
    award = StipendAward.objects.filter(placement=placement).first()
    return {
        "placement": placement,
        "application": application,
        "reviews": list(
            application.reviews.filter(submitted_at__isnull=False)
            .select_related("reviewer")
            .prefetch_related("scores__criterion")
            .order_by("submitted_at", "pk")
        ),
        "screening": Screening.objects.filter(application=application).first(),
        "offer": placement.offer,
        "events": list(placement.events.select_related("actor").order_by("at", "pk")),
        "entries": list(placement.entries.select_related("author").order_by("on", "pk")),
        "changes": list(placement.change_requests.select_related("decided_by").order_by("pk")),
        "award": award,
        "tranches": list(award.tranches.order_by("position", "pk")) if award else [],
        "claims": list(award.claims.prefetch_related("lines").order_by("pk")) if award else [],
        "money_events": money_history(
            award.events.select_related("actor", "tranche", "claim").order_by("at", "pk")
        )
        if award
        else [],
        "reports": list(
            placement.outcome_reports.prefetch_related(
                "updates__opportunity", "entries", "questions", "events__actor"
            ).order_by("due_on", "pk")
        ),
        "generated_at": timezone.now(),
    }


def money_history(events):
    """The stipend's history as the dossier prints it: each change with the record it is
    about (the award, a tranche, a claim), its statuses and the portal's note in the
    reader's language (the events keep the codes: of the award's, a tranche's or a claim's
    statuses, and placements.money_history writes the notes)."""
    statuses = {
        "award": labels(AwardStatus),
        "tranche": labels(TrancheStatus),
        "claim": labels(ClaimStatus),
    }
    notes = labels(MoneyNote)
    rows = []
    for event in events:
        about = "claim" if event.claim_id else "tranche" if event.tranche_id else "award"
        names = statuses[about]
        rows.append(
            {
                "event": event,
                "about": about,
                "from": names.get(event.from_status, event.from_status),
                "to": names.get(event.to_status, event.to_status),
                "note": placements_history.note_text(event, notes),
            }
        )
    return rows


def dossier(document, build):
    """One zip: the application, reviews and decision, the placement's history and logs, the
    stipend award, each claim with its receipts as uploaded, and the outcome reports; each
    as a PDF, the uploaded files as they were."""
    parts = dossier_parts(document.placement)
    placement = parts["placement"]
    # Folder names as plain gettext calls: xgettext does not read calls inside f-strings.
    application_files, receipts = _("01-application-files"), _("05-receipts")
    outcome_reports = _("06-outcome-reports")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _progress(document, build, 10, STAGE.APPLICATION)
        archive.writestr(_("01-application.pdf"), _pdf("dossier_application.html", parts))
        for upload in parts["application"].documents.all():
            archive.writestr(
                f"{application_files}/{upload.pk}-{_safe_name(upload.original_name)}",
                _read(upload.file),
            )
        _progress(document, build, 25, STAGE.REVIEWS)
        archive.writestr(_("02-reviews-and-decision.pdf"), _pdf("dossier_reviews.html", parts))
        _progress(document, build, 40, STAGE.PLACEMENT)
        archive.writestr(
            _("03-placement-history-and-logs.pdf"), _pdf("dossier_placement.html", parts)
        )
        _progress(document, build, 55, STAGE.MONEY)
        archive.writestr(_("04-stipend-and-claims.pdf"), _pdf("dossier_money.html", parts))
        for claim in parts["claims"]:
            for line in claim.lines.all():
                archive.writestr(
                    f"{receipts}/{claim.pk}/{line.pk}-{_safe_name(line.receipt_name)}",
                    _read(line.receipt),
                )
        _progress(document, build, 75, STAGE.REPORTS)
        for report in parts["reports"]:
            archive.writestr(
                # The kind in the dossier's language ("fin-du-sejour"), as its folders are.
                f"{outcome_reports}/{report.due_on.isoformat()}-"
                f"{slugify(report.get_kind_display())}.pdf",
                _pdf("dossier_report.html", parts | {"report": report}),
            )
    name = _name(document, _("dossier"), placement.company.name, placement.pk, extension=".zip")
    return name, buffer.getvalue(), None


def _safe_name(name):
    # A name as uploaded, without folders: "../x" must not climb out of the zip's folder.
    return (name or "file").replace("\\", "/").rsplit("/", 1)[-1] or "file"


def _read(field):
    with field.open("rb") as handle:
        return handle.read()
