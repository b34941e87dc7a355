from celery import shared_task
from django.core.exceptions import ValidationError

from outcomes import queries, reminders, services


@shared_task(name="outcomes.schedule_ended_placements")
def schedule_ended_placements():
    """Schedule the reports of every placement that ended and has none yet. Idempotent:
    a placement with reports is not listed again, and the unique (placement, kind)
    constraint keeps a second worker from doubling any."""
    for placement in queries.unscheduled_placements().iterator():
        try:
            services.schedule_reports(placement)
        except ValidationError:
            continue


@shared_task(name="outcomes.remind_reports")
def remind_reports():
    """Beat job: reminders before, on and after each report's due date, and the managers told
    of reports overdue past the grace period; each once (keyed in the outbox)."""
    reminders.remind_reports()


@shared_task(name="outcomes.build_document")
def build_document(*, document_id, build):
    """Build a program report or a dossier (does nothing once that build is over)."""
    from outcomes import documents
    from outcomes.models import Document

    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return
    documents.build_document(document, build)


@shared_task(name="outcomes.requeue_stalled_documents")
def requeue_stalled_documents():
    """Beat job: queue again documents whose task an outage lost."""
    from outcomes import documents

    documents.requeue_stalled_documents()


@shared_task(name="outcomes.refresh_every_intake")
def refresh_every_intake():
    """Recompute every intake's kept figures (queued when an exchange rate is entered).
    Running it twice writes the same figures."""
    services.refresh_every_intake()
