"""Selection through a real Celery worker on Redis, against PostgreSQL: the run's task, a
retried task, two runs started at the same moment, and decision emails sent exactly once
when the broker is down at release and a worker dies half-way."""

import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from applications import services, tasks
from applications.enums import RunStatus
from applications.models import SelectionRun
from portal import services as portal_services
from portal import tasks as portal_tasks
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from tests.portal.test_worker import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_runs_selection_once(real_worker, intake, manager, field):
    with transaction.atomic():
        run = services.start_run(intake, by=manager, min_score=50)
    assert wait_for(lambda: SelectionRun.objects.get(pk=run.pk).status == RunStatus.DONE), (
        "the worker did not finish the run"
    )
    run.refresh_from_db()
    assert run.gap == 0 and run.entries.count() == 4
    first = list(run.entries.values_list("pk", "host", "reason"))
    # The task delivered again (a retry, a redelivery after a crash) changes nothing.
    tasks.run_selection.delay(run_id=run.pk)
    with transaction.atomic():
        second = services.start_run(intake, by=manager)
    assert wait_for(lambda: SelectionRun.objects.get(pk=second.pk).status == RunStatus.DONE)
    assert list(run.entries.values_list("pk", "host", "reason")) == first


def test_two_runs_started_at_the_same_moment_one_is_refused(intake, manager, field, postgres):
    results, barrier = [], threading.Barrier(2)

    def start():
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(services.start_run(intake, by=manager).number)
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connection.close()

    with mock.patch.object(tasks.run_selection, "delay"):
        threads = [threading.Thread(target=start) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results, key=str) == [1, "Run 1 is still under way; wait for it to finish."]
    assert SelectionRun.objects.count() == 1


def test_decisions_go_out_once_through_an_outage_and_a_worker_dying_half_way(
    real_worker, intake, manager, field
):
    run = services.execute_run(services.start_run(intake, by=manager, min_score=50))
    services.confirm_slate(run, by=manager)
    # The broker is down at release: the emails are committed as pending, none is lost.
    down = mock.patch.object(portal_tasks.send_email, "delay", side_effect=ConnectionError("down"))
    with down, transaction.atomic():
        assert services.release_decisions(intake, by=manager) == 4
    pending = list(OutgoingEmail.objects.filter(status=EmailStatus.PENDING).order_by("pk"))
    assert len(pending) == 4 and mail.outbox == []
    # A worker sends two, then dies before the others.
    for email in pending[:2]:
        portal_services.send_email(email)
    # The beat sweep finds the rest; a confirm clicked again and a release clicked again add
    # nothing.
    OutgoingEmail.objects.filter(status=EmailStatus.PENDING).update(
        created_at=pending[0].created_at.replace(year=2000)
    )
    portal_tasks.send_pending_emails.delay()
    assert wait_for(lambda: not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists())
    with pytest.raises(ValidationError):
        services.confirm_slate(run, by=manager)
    with transaction.atomic():
        assert services.release_decisions(intake, by=manager) == 0
    for email in pending:  # every task delivered again
        portal_services.dispatch_email(email.pk)
    with transaction.atomic():
        sentinel = portal_services.queue_email(
            key="sentinel", to=["x@example.org"], subject="Sentinel", body="."
        )
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=sentinel.pk).status == EmailStatus.SENT)
    recipients = sorted(m.to[0] for m in mail.outbox if m.subject != "Sentinel")
    assert recipients == [
        "owner@ada.example",
        "owner@bo.example",
        "owner@cy.example",
        "owner@di.example",
    ]
