from unittest import mock

import pytest
from django.core import mail

from portal import services, tasks
from portal.enums import EmailStatus
from portal.models import OutgoingEmail


def queue(key="welcome:1"):
    return services.queue_email(
        key=key, to=["owner@northwind.example"], subject="Welcome", body="Hello"
    )


@pytest.mark.django_db
def test_queued_email_is_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Welcome"
    assert mail.outbox[0].to == ["owner@northwind.example"]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1


@pytest.mark.django_db
def test_nothing_is_sent_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue()
    assert mail.outbox == []
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_queueing_the_same_key_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue()
        queue()
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.django_db
def test_running_the_send_task_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
    tasks.send_email(email_id=email.pk)
    tasks.send_email(email_id=email.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_send_task_for_a_deleted_email_returns_quietly():
    tasks.send_email(email_id=987654)
    assert mail.outbox == []


@pytest.mark.django_db
def test_broker_outage_keeps_the_email_for_the_sweep(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(tasks.send_email, "delay", side_effect=ConnectionError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email = queue()
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert mail.outbox == []

    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2000))
    tasks.send_pending_emails()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_smtp_failure_is_recorded_and_retried(settings):
    email = queue()
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")
        ),
        pytest.raises(OSError),
    ):
        services.send_email(email)
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert email.attempts == 1
    assert email.last_error == "smtp down"

    assert services.send_email(email) is True
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2
