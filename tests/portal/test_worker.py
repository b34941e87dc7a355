"""Celery through a real worker on a real Redis broker, against PostgreSQL."""

import time

import pytest
from django.core import mail
from django.db import transaction

from portal import services
from portal.celery import app
from portal.enums import EmailStatus
from portal.models import OutgoingEmail


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_an_outbox_email_exactly_once(real_worker):
    with transaction.atomic():
        email = services.queue_email(
            key="worker:1", to=["reviewer@example.org"], subject="Assigned", body="Two to score."
        )
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT), (
        "the worker did not send the email"
    )
    assert [m.subject for m in mail.outbox] == ["Assigned"]

    # The same task delivered again (a retry, a redelivery after a crash) sends nothing more.
    services.dispatch_email(email.pk)
    services.dispatch_email(email.pk)
    # The solo worker takes messages in order: once a later email is out, the two
    # redeliveries above have run, so no fixed sleep can hide a slow worker.
    with transaction.atomic():
        sentinel = services.queue_email(
            key="worker:sentinel", to=["reviewer@example.org"], subject="Reminder", body="Due."
        )
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=sentinel.pk).status == EmailStatus.SENT)
    assert len([m for m in mail.outbox if m.subject == "Assigned"]) == 1
    assert [m.subject for m in mail.outbox] == ["Assigned", "Reminder"]
    assert OutgoingEmail.objects.get(pk=email.pk).attempts == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_beat_sweep_sends_what_a_broker_outage_left(real_worker, settings):
    app.conf.update(task_always_eager=True)
    from unittest import mock

    from portal import tasks

    with (
        mock.patch.object(tasks.send_email, "delay", side_effect=ConnectionError("down")),
        transaction.atomic(),
    ):
        email = services.queue_email(
            key="worker:2", to=["owner@example.org"], subject="Submitted", body="Received."
        )
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.PENDING
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2000))

    app.conf.update(task_always_eager=False)
    tasks.send_pending_emails.delay()

    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT)
    assert [m.subject for m in mail.outbox] == ["Submitted"]
