"""Writes with consequences for what every app shares: the email outbox."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.enums import EmailStatus
from portal.models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def queue_email(*, key, to, subject, body, html_body="", from_email="", held_in=""):
    """Record an email in the outbox and send it through Celery after commit.

    ``key`` names the email's reason (``"verify:42:abc"``); queueing an existing
    key again changes nothing and sends nothing, so callers may retry freely.
    With ``held_in`` the email waits in that batch until someone releases it.
    """
    email, created = OutgoingEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": list(to),
            "subject": subject.strip(),
            "body": body,
            "html_body": html_body,
            "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
            "batch": held_in,
            "status": EmailStatus.HELD if held_in else EmailStatus.PENDING,
        },
    )
    if created and not held_in:
        transaction.on_commit(lambda: dispatch_email(email.pk))
    return email


def remember_language(user, language):
    """Keep the language a signed-in person chose, for what the portal sends them later."""
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language


def queue_email_to_people(people, *, key, template, context, held_in=""):
    """Queue an email to ``people``, (address, language) pairs, in each person's language.

    One email per language among them, its subject and body rendered from
    ``<template>_subject.txt`` and ``<template>_message.txt`` in that language (a person with
    none set gets the site's); each is keyed ``<key>:<language>``, so queueing again changes
    nothing. Returns the emails.
    """
    by_language = {}
    for address, language in people:
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(address)
    emails = []
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            subject = render_to_string(f"{template}_subject.txt", context)
            body = render_to_string(f"{template}_message.txt", context)
        emails.append(
            queue_email(
                key=f"{key}:{language}", to=addresses, subject=subject, body=body, held_in=held_in
            )
        )
    return emails


@transaction.atomic
def release_batch(batch):
    """Send a held batch: each email once, however often this is called (returns how many)."""
    ids = list(
        OutgoingEmail.objects.select_for_update()
        .filter(batch=batch, status=EmailStatus.HELD)
        .values_list("pk", flat=True)
    )
    OutgoingEmail.objects.filter(pk__in=ids).update(status=EmailStatus.PENDING)
    for email_id in ids:
        transaction.on_commit(lambda email_id=email_id: dispatch_email(email_id))
    return len(ids)


def queue_task(task, **kwargs):
    """Run a Celery task after the current transaction commits.

    A broker outage is logged, not raised: the work it names is left in the database in a
    state a beat sweep finds and queues again, so it is delayed, never lost.
    """

    def send():
        try:
            task.delay(**kwargs)
        except Exception as exc:
            logger.warning(
                "%s(%s) waits for the next sweep (%s: %s).", task.name, kwargs,
                type(exc).__name__, exc,
            )  # fmt: skip

    transaction.on_commit(send)


def dispatch_email(email_id):
    """Hand an outbox row to the task queue; a broker outage leaves it for the sweep."""
    from portal.tasks import send_email

    try:
        send_email.delay(email_id=email_id)
    except Exception as exc:
        # The row is committed and pending: send_pending_emails picks it up later.
        logger.warning(
            "Email %s stays in the outbox for the next sweep (%s: %s).",
            email_id,
            type(exc).__name__,
            exc,
        )


def send_email(email):
    """Send one outbox email once; a second call for a sent email does nothing.

    The row stays locked while the message goes out, so two workers never send
    the same email. A failure is recorded and re-raised for the task to retry.
    """
    error = None
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status != EmailStatus.PENDING:
            return False
        message = EmailMultiAlternatives(
            subject=locked.subject,
            body=locked.body,
            from_email=locked.from_email or settings.DEFAULT_FROM_EMAIL,
            to=locked.to,
        )
        if locked.html_body:
            message.attach_alternative(locked.html_body, "text/html")
        locked.attempts += 1
        try:
            message.send()
        except OSError as exc:
            error = exc
            locked.last_error = str(exc)[:2000]
            if locked.attempts >= MAX_ATTEMPTS:
                locked.status = EmailStatus.FAILED
        else:
            locked.status = EmailStatus.SENT
            locked.sent_at = timezone.now()
            locked.last_error = ""
        locked.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    if error is not None:
        raise error
    return True
