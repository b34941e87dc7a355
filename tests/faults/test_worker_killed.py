"""A Celery worker killed (SIGKILL) half-way through a selection run, a PDF build and an email
batch: the work completes when it runs again, no email goes twice (the outbox), no slate is
half-kept, no file is kept twice.

The worker is the real one (tests/faults/worker.py: `celery worker`, a prefork pool of one
child) on a Redis of the test's own and the test database; it hangs at the named place so the
kill lands there. Killing the pool child is what the kernel's out-of-memory killer does: the
worker's parent puts the task back (acks_late, reject_on_worker_lost). Killing the whole
worker leaves its task unacknowledged until Redis's visibility timeout; the beat sweep sends
what it left in the outbox first.
"""

import datetime
import os
import signal
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from applications import services
from applications.enums import RunStatus
from applications.models import RunEvent, SelectionRun, SlateEntry
from outcomes import documents
from outcomes.enums import DocumentKind, DocumentStatus
from outcomes.models import DocumentEvent
from portal import services as portal_services
from portal import tasks as portal_tasks
from portal.celery import app
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from tests.conftest import point_at_broker
from tests.faults.conftest import report, wait_until
from tests.faults.mailbox import delivered

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def broker(own_redis, postgres):
    previous = app.conf.broker_url
    point_at_broker(own_redis.url, eager=False)
    yield own_redis.url
    point_at_broker(previous, eager=True)


def hung(marker):
    """The pid of the process that hung, and what it had done, once it hangs."""
    assert wait_until(marker.exists, timeout=60), "the worker never reached the fault"
    pid, note = marker.read_text().split(" ", 1)
    return int(pid), note


def test_a_worker_killed_while_keeping_a_slate_keeps_it_once_on_the_rerun(
    broker, start_worker, tmp_path, intake, manager, field
):
    marker = tmp_path / "marker"
    worker = start_worker(
        broker_url=broker, mail_dir=tmp_path / "mail", hang_in="slate", marker=marker
    )
    with transaction.atomic():
        run = services.start_run(intake, by=manager, min_score=50)
    child, note = hung(marker)
    assert child != worker.process.pid  # the pool's child, not the worker itself
    assert note == "slate-rows=4"  # written, not committed
    assert SlateEntry.objects.count() == 0
    assert SelectionRun.objects.get(pk=run.pk).status == RunStatus.RUNNING

    os.kill(child, signal.SIGKILL)

    assert wait_until(
        lambda: SelectionRun.objects.get(pk=run.pk).status == RunStatus.DONE, timeout=60
    ), worker.output()[-3000:]
    entries = Counter(SlateEntry.objects.filter(run=run).values_list("application", flat=True))
    assert entries == Counter({application.pk: 1 for application in field.values()})
    assert SlateEntry.objects.count() == 4
    done = RunEvent.objects.filter(run=run, to_status=RunStatus.DONE)
    assert done.count() == 1
    assert "WorkerLostError" in worker.output()
    report(
        "worker killed while keeping a slate",
        kills=1,
        runs_completed=1,
        slate_rows=len(entries),
        half_kept_slates=0,
        duplicate_rows=sum(entries.values()) - len(entries),
    )


def test_a_worker_killed_in_an_email_batch_sends_each_email_once(
    broker, start_worker, tmp_path, intake, manager, field
):
    run = services.execute_run(services.start_run(intake, by=manager, min_score=50))
    services.confirm_slate(run, by=manager)
    marker, mail_dir = tmp_path / "marker", tmp_path / "mail"
    worker = start_worker(broker_url=broker, mail_dir=mail_dir, hang_in="email", marker=marker)
    with transaction.atomic():
        assert services.release_decisions(intake, by=manager) == 4
    _child, note = hung(marker)
    assert note == "emails-written=2"

    worker.kill()  # the whole worker, parent and child: its third task stays unacknowledged
    assert len(delivered(mail_dir)) == 2
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 2

    # A new worker takes the batch's last task from the queue; the beat's next sweep sends the
    # one the dead worker held.
    start_worker(broker_url=broker, mail_dir=mail_dir)
    OutgoingEmail.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    portal_tasks.send_pending_emails.delay()
    assert wait_until(
        lambda: OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 4, timeout=60
    )
    # Every task of the batch delivered again (Redis's visibility timeout, a retry): nothing.
    for email in OutgoingEmail.objects.all():
        portal_services.dispatch_email(email.pk)
    sentinel = portal_services.queue_email(
        key="sentinel", to=["sentinel@example.org"], subject="Sentinel", body="."
    )
    assert wait_until(
        lambda: OutgoingEmail.objects.get(pk=sentinel.pk).status == EmailStatus.SENT, timeout=60
    )
    recipients = Counter(m["To"] for m in delivered(mail_dir) if m["To"] != "sentinel@example.org")
    assert recipients == Counter({f"owner@{name}.example": 1 for name in ["ada", "bo", "cy", "di"]})
    attempts = OutgoingEmail.objects.exclude(pk=sentinel.pk).values_list("attempts", flat=True)
    assert sorted(attempts) == [1, 1, 1, 1]  # the killed attempt rolled back with its worker
    report(
        "worker killed in an email batch",
        kills=1,
        emails_in_batch=4,
        emails_sent=sum(recipients.values()),
        emails_lost=4 - len(recipients),
        duplicates=sum(recipients.values()) - len(recipients),
    )


def test_a_worker_killed_while_keeping_a_pdf_builds_it_once_on_the_rerun(
    broker, start_worker, tmp_path, settings, intake, manager
):
    marker = tmp_path / "marker"
    start_worker(
        broker_url=broker, mail_dir=tmp_path / "mail", media_root=settings.MEDIA_ROOT,
        hang_in="pdf", marker=marker,
    )  # fmt: skip
    with transaction.atomic():
        document = documents.request_document(
            DocumentKind.PROGRAM_REPORT, by=manager, program=intake.program, intake=intake
        )
    child, note = hung(marker)
    folder = Path(settings.MEDIA_ROOT) / "documents" / str(document.pk) / "1"
    written = folder / note.removeprefix("file=").rsplit("/", 1)[-1]
    assert written.read_bytes()[:5] == b"%PDF-"  # on disk, while its row is not yet ready
    document.refresh_from_db()
    assert (document.status, document.file.name) == (DocumentStatus.BUILDING, "")

    os.kill(child, signal.SIGKILL)

    def ready():
        document.refresh_from_db()
        return document.status == DocumentStatus.READY

    assert wait_until(ready, timeout=120), start_worker.started[0].output()[-3000:]
    assert document.build == 1
    assert sorted(path.name for path in folder.iterdir()) == [written.name]  # no second copy
    assert document.file.name == f"documents/{document.pk}/1/{written.name}"
    assert document.file.read()[:5] == b"%PDF-"
    steps = list(
        DocumentEvent.objects.filter(document=document).values_list("to_status", flat=True)
    )
    assert steps == [DocumentStatus.QUEUED, DocumentStatus.BUILDING, DocumentStatus.READY]
    assert (
        OutgoingEmail.objects.filter(key__startswith=f"document-ready:{document.pk}:").count() == 1
    )
    report(
        "worker killed while keeping a PDF",
        kills=1,
        documents_ready=1,
        files_kept=len(list(folder.iterdir())),
        half_written_files=0,
        ready_emails=1,
    )
