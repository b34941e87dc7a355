import datetime
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


@pytest.mark.django_db
def test_emails_are_plain_text_with_no_html_escapes(django_capture_on_commit_callbacks):
    # Subjects and bodies are text: "&" stays "&", quotes stay quotes (never &amp; or &#x27;).
    intake = mock.Mock(title="Smith & Sons' <Spring> intake", time_zone="UTC")
    company = mock.Mock()
    company.name = 'R&D "Labs"'
    submitted_at = datetime.datetime(2031, 2, 1, 9, 30, tzinfo=datetime.UTC)
    application = mock.Mock(pk=1, submitted_at=submitted_at)
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email_to_people(
            [("owner@northwind.example", "en")],
            key="plain:1",
            template="applications/email/submitted",
            context={"intake": intake, "company": company, "application": application},
        )
    (sent,) = mail.outbox
    assert sent.subject == "Application received: Smith & Sons' <Spring> intake"
    assert 'We received the application of R&D "Labs" to “Smith & Sons\' <Spring> intake”.' in (
        sent.body
    )
    assert "&amp;" not in sent.body and "&#x27;" not in sent.body and "&quot;" not in sent.body


def test_every_text_template_renders_without_html_escapes():
    # allauth renders its emails with render_to_string too: the .txt engine serves them all.
    from django.template.loader import get_template, render_to_string

    assert get_template("applications/email/invitation_subject.txt").backend.name == "text"
    assert get_template("applications/review/dashboard.html").backend.name == "django"
    context = {"company": mock.Mock(), "inviter": "Ann & Bo"}
    context["company"].name = "R&D <Labs>"
    subject = render_to_string("applications/email/invitation_subject.txt", context)
    assert "&amp;" not in subject and "&lt;" not in subject


def test_templates_built_from_strings_still_escape():
    from django.template import Context, Template

    assert Template("{{ name }}").render(Context({"name": "<b>&</b>"})) == (
        "&lt;b&gt;&amp;&lt;/b&gt;"
    )
