"""Writes with consequences for what every app shares: the email outbox."""

import datetime
import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.enums import EMAIL_TRANSITIONS, EmailStatus
from portal.models import EmailEvent, OutgoingEmail, SentForm

logger = logging.getLogger(__name__)


def one_line(text):
    """A subject as one line: a line break in a header is refused by the mail layer."""
    # Only line breaks and runs of ordinary spaces: a no-break space (French before ":")
    # is part of the text.
    return " ".join(re.split(r"[ \t\r\n\v\f\u0085\u2028\u2029]+", text.strip()))


def same_text(one, other):
    """Whether two texts a person typed say the same, spaces and line breaks aside: what a
    page showed, sent back in a hidden copy (a browser sends its line breaks as CR LF, and a
    one-line field drops them), against what is saved now (a colleague's save since)."""
    return " ".join((one or "").split()) == " ".join((other or "").split())


def queue_email(
    *, key, to, subject, body, html_body="", from_email="", held_in="", intake_ref=None
):
    """Record an email in the outbox and send it through Celery after commit.

    ``key`` names the email's reason (``"verify:42:abc"``); queueing an existing
    key again changes nothing and sends nothing, so callers may retry freely.
    With ``held_in`` the email waits in that batch until someone releases it.
    ``intake_ref`` names the intake the email is about (its managers see it if it fails).
    """
    email, created = OutgoingEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": list(to),
            "subject": one_line(subject),
            "intake_ref": intake_ref,
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


def queue_email_to_people(people, *, key, template, context, held_in="", intake_ref=None):
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
                key=f"{key}:{language}",
                to=addresses,
                subject=subject,
                body=body,
                held_in=held_in,
                intake_ref=intake_ref,
            )
        )
    return emails


def change_email_status(emails, *, to, by=None, note="", fields=()):
    """The one way an outbox email's status changes.

    ``emails`` are rows the caller has locked (``select_for_update``) in its transaction;
    each is checked against EMAIL_TRANSITIONS, moved to ``to`` and saved with the other
    ``fields`` the caller set, and an EmailEvent records who, from, to, when and ``note``.
    """
    emails = list(emails)
    for email in emails:
        if to not in EMAIL_TRANSITIONS[email.status]:
            raise ValidationError(
                _("An email that is %(current)s cannot become %(target)s.")
                % {
                    "current": EmailStatus(email.status).label.lower(),
                    "target": EmailStatus(to).label.lower(),
                }
            )
    events = [
        EmailEvent(email=email, actor=by, from_status=email.status, to_status=to, note=note)
        for email in emails
    ]
    for email in emails:
        email.status = to
    if emails:
        OutgoingEmail.objects.bulk_update(emails, ["status", *fields])
        EmailEvent.objects.bulk_create(events)
    return emails


@transaction.atomic
def release_batch(batch, *, by=None, recipients=None):
    """Send a held batch: each email once, however often this is called (returns how many).

    ``recipients``, a function of a held email, gives those of its addresses that may still
    receive it now (the caller's rule: someone removed from the firm it is about since it was
    written may not): the others are taken off it before it goes. One left with nobody is
    released all the same, and recorded as sent with no message."""
    emails = list(
        OutgoingEmail.objects.select_for_update()
        .filter(batch=batch, status=EmailStatus.HELD)
        .order_by("pk")
    )
    nobody = []
    if recipients is not None:
        for email in emails:
            email.to = list(recipients(email))
        nobody = [email for email in emails if not email.to]
    change_email_status(
        emails, to=EmailStatus.PENDING, by=by, fields=["to"] if recipients is not None else ()
    )
    change_email_status(
        nobody,
        to=EmailStatus.SENT,
        by=by,
        note=_("Sent to nobody: no one it was written to may receive it now."),
    )
    for email in emails:
        if email.to or recipients is None:
            transaction.on_commit(lambda email_id=email.pk: dispatch_email(email_id))
    return len(emails)


@transaction.atomic
def retry_email(email, *, by):
    """Send a failed email again, with a fresh set of attempts (``by``: the person asking)."""
    locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
    locked.attempts = 0
    # Emails queued before subjects were kept on one line may hold a line break there.
    locked.subject = one_line(locked.subject)
    change_email_status(
        [locked], to=EmailStatus.PENDING, by=by, note=_("Sent again by hand."),
        fields=["attempts", "subject"],
    )  # fmt: skip
    transaction.on_commit(lambda: dispatch_email(locked.pk))
    return locked


def first_sending(token):
    """False when a form drawn with ``token`` (portal.forms.SentOnce) already added its
    record, else True, and the token kept in the caller's transaction (which adds the
    record, or refuses it and keeps nothing). No token (the API, a script): True."""
    if not token:
        return True
    return SentForm.objects.get_or_create(token=token)[1]


# A page is sent again within minutes (a double click, Back); its token is kept a month.
SENT_FORMS_KEPT = datetime.timedelta(days=30)


def forget_sent_forms(now=None):
    """Forget the tokens of forms sent over a month ago (the beat job): how many."""
    now = now or timezone.now()
    return SentForm.objects.filter(sent_at__lt=now - SENT_FORMS_KEPT).delete()[0]


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


def _describe(exc):
    return f"{type(exc).__name__}: {exc}"[:2000]


def send_email(email):
    """Send one outbox email once; a second call for a sent email does nothing.

    The row stays locked while the message goes out, so two workers never send the same
    email. A message the mail layer refuses to build (a header with a line break, a bad
    address) can never go as it is: it fails at once. A failure to hand it over counts as
    one attempt and is re-raised for the task to retry; after PORTAL_EMAIL_MAX_ATTEMPTS the
    email fails. A failed email waits for a manager (portal's failed-email page).
    """
    error = None
    with transaction.atomic():
        locked = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status != EmailStatus.PENDING:
            return False
        locked.attempts += 1
        locked.last_attempt_at = timezone.now()
        attempt_fields = ["attempts", "last_attempt_at", "last_error"]
        try:
            message = EmailMultiAlternatives(
                subject=locked.subject,
                body=locked.body,
                from_email=locked.from_email or settings.DEFAULT_FROM_EMAIL,
                to=locked.to,
            )
            if locked.html_body:
                message.attach_alternative(locked.html_body, "text/html")
            message.message()  # builds the headers: what the mail layer refuses, it refuses here
        except Exception as exc:  # noqa: BLE001 - whatever the reason, this message cannot go
            locked.last_error = _describe(exc)
            change_email_status(
                [locked], to=EmailStatus.FAILED, note=locked.last_error, fields=attempt_fields
            )
            logger.error("Email %s cannot be sent: %s", locked.pk, locked.last_error)
            return False
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - recorded, and re-raised below
            error = exc
            locked.last_error = _describe(exc)
            if locked.attempts >= settings.PORTAL_EMAIL_MAX_ATTEMPTS:
                change_email_status(
                    [locked], to=EmailStatus.FAILED, note=locked.last_error, fields=attempt_fields
                )
                logger.error(
                    "Email %s failed after %s attempts: %s",
                    locked.pk, locked.attempts, locked.last_error,
                )  # fmt: skip
            else:
                locked.save(update_fields=attempt_fields)
        else:
            locked.sent_at = locked.last_attempt_at
            locked.last_error = ""
            change_email_status([locked], to=EmailStatus.SENT, fields=[*attempt_fields, "sent_at"])
    if error is not None and locked.status == EmailStatus.PENDING:
        raise error
    return error is None


def delete_file_on_commit(stored):
    """Delete a stored file (a FieldFile) once the transaction that stops using it commits,
    not before: a transaction rolled back keeps its row and the row's file together."""
    name, storage = stored.name, stored.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
