"""A real Celery worker for the fault tests, with one optional hang to be killed in.

The test process starts this file with the portal's environment (DATABASE_URL, broker, a
file mail backend) and may name a place where the worker stops and waits to be killed:

- PORTAL_FAULT_HANG_IN=slate: a selection run, after its slate rows are written and before
  its transaction commits;
- PORTAL_FAULT_HANG_IN=email: the third email handed to the mail layer, before it goes out
  (a mail server that stopped answering);
- PORTAL_FAULT_HANG_IN=pdf: a program report's build, after its PDF is written to storage and
  its row marked ready, before that transaction commits.

The worker writes PORTAL_FAULT_MARKER (its pid, and what it wrote so far) when it hangs, so
the test knows which process to kill and when. The hang happens once per marker: a worker
that finds the marker runs normally, so the same task redelivered completes.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

HANG_IN = os.environ.get("PORTAL_FAULT_HANG_IN", "")
MARKER = Path(os.environ.get("PORTAL_FAULT_MARKER", "/nonexistent/marker"))


def hang(note):
    if MARKER.exists():
        return
    MARKER.write_text(f"{os.getpid()} {note}")
    while True:  # until SIGKILL
        time.sleep(1)


if HANG_IN == "slate":
    from applications.enums import RunStatus
    from applications.models import SlateEntry
    from applications.services import selecting

    change_run_status = selecting.change_run_status

    def change_run_status_then_hang(run, *, to, **options):
        changed = change_run_status(run, to=to, **options)
        if to == RunStatus.DONE:
            hang(f"slate-rows={SlateEntry.objects.filter(run=run).count()}")
        return changed

    selecting.change_run_status = change_run_status_then_hang

if HANG_IN == "email":
    from django.core.mail.backends import filebased

    write_message = filebased.EmailBackend.write_message
    handed = []

    def write_message_or_hang(self, message):
        handed.append(message)
        if len(handed) == 3:
            hang(f"emails-written={len(handed) - 1}")
        return write_message(self, message)

    filebased.EmailBackend.write_message = write_message_or_hang

if HANG_IN == "pdf":
    from outcomes import documents
    from outcomes.enums import DocumentStatus

    change_document_status = documents.change_document_status

    def change_document_status_then_hang(document, *, to, **options):
        changed = change_document_status(document, to=to, **options)
        if to == DocumentStatus.READY:
            hang(f"file={document.file.name}")
        return changed

    documents.change_document_status = change_document_status_then_hang

from portal.celery import app  # noqa: E402

app.worker_main(
    ["worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "--without-gossip",
     "--without-mingle", "--without-heartbeat"]
)  # fmt: skip
