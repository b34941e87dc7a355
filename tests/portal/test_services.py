import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from portal import services, tasks
from portal.enums import EmailStatus
from portal.models import EmailEvent, OutgoingEmail
from tests import factories


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
    assert email.last_error == "OSError: smtp down"

    assert services.send_email(email) is True
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2


def events_of(email):
    return list(EmailEvent.objects.filter(email=email).values_list("from_status", "to_status"))


@pytest.mark.django_db
def test_an_email_the_mail_layer_refuses_fails_at_once_with_its_error():
    # Queued before names were kept on one line: a header Django will never send.
    email = OutgoingEmail.objects.create(
        key="decision:1:offered:en", to=["owner@northwind.example"],
        subject="Your place: Northwind\nEngineering", body="Hello",
    )  # fmt: skip

    assert services.send_email(email) is False

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == 1
    assert email.last_error.startswith("BadHeaderError: Header values can't contain newlines")
    assert email.last_attempt_at is not None
    assert events_of(email) == [("pending", "failed")]
    assert EmailEvent.objects.get(email=email).note == email.last_error
    # The sweep no longer picks it up: it is not retried forever.
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2000))
    tasks.send_pending_emails()
    email.refresh_from_db()
    assert (email.status, email.attempts, mail.outbox) == (EmailStatus.FAILED, 1, [])


@pytest.mark.django_db
def test_an_email_fails_after_the_configured_number_of_attempts(settings):
    settings.PORTAL_EMAIL_MAX_ATTEMPTS = 3
    email = queue()
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")
    ):
        for _attempt in range(2):
            with pytest.raises(OSError):
                services.send_email(email)
        email.refresh_from_db()
        assert (email.status, email.attempts) == (EmailStatus.PENDING, 2)
        assert services.send_email(email) is False  # the last attempt: not raised again
        assert services.send_email(email) is False  # failed: nothing more is tried

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == 3
    assert email.last_error == "OSError: smtp down"
    assert events_of(email) == [("pending", "failed")]


@pytest.mark.django_db
def test_the_send_task_stops_retrying_at_the_limit(settings):
    settings.PORTAL_EMAIL_MAX_ATTEMPTS = 2
    email = queue()
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")
    ):
        # Celery retries the task (eagerly here) until the service says the email failed.
        tasks.send_email.apply(kwargs={"email_id": email.pk}, throw=False)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 2)


@pytest.mark.django_db
def test_a_subject_is_kept_on_one_line():
    email = services.queue_email(
        key="k", to=["a@northwind.example"], subject=" Offer for Northwind\r\nEngineering\n",
        body="Hello",
    )  # fmt: skip
    assert email.subject == "Offer for Northwind Engineering"


@pytest.mark.django_db
def test_a_failed_email_is_sent_again_by_hand_with_fresh_attempts(
    django_capture_on_commit_callbacks,
):
    director = factories.UserFactory(is_superuser=True)
    email = OutgoingEmail.objects.create(
        key="k", to=["owner@northwind.example"], subject="Offer for Northwind\nEngineering",
        body="Hello",
    )  # fmt: skip
    services.send_email(email)

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_email(email, by=director)

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
    assert email.subject == "Offer for Northwind Engineering"
    assert [m.subject for m in mail.outbox] == ["Offer for Northwind Engineering"]
    assert events_of(email) == [("pending", "failed"), ("failed", "pending"), ("pending", "sent")]
    assert EmailEvent.objects.get(email=email, to_status="pending").actor == director


@pytest.mark.django_db
def test_only_the_transition_table_moves_an_email():
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENT)
    email.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.retry_email(email, by=None)
    assert refused.value.messages == ["An email that is sent cannot become pending."]
    assert events_of(email) == []


@pytest.mark.django_db
def test_releasing_a_batch_records_who_released_each_email(django_capture_on_commit_callbacks):
    manager = factories.UserFactory()
    for n in range(2):
        services.queue_email(
            key=f"decision:{n}", to=["a@northwind.example"], subject="Decision", body="-",
            held_in="decisions:7", intake_ref=7,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_batch("decisions:7", by=manager) == 2
        assert services.release_batch("decisions:7", by=manager) == 0
    assert len(mail.outbox) == 2
    assert list(EmailEvent.objects.values_list("from_status", "to_status", "actor")) == [
        ("held", "pending", manager.pk), ("held", "pending", manager.pk),
        ("pending", "sent", None), ("pending", "sent", None),
    ]  # fmt: skip


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
