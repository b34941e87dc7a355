from celery import shared_task
from django.db import DatabaseError

from portal import queries, services, tokens
from portal.models import OutgoingEmail


@shared_task(
    name="portal.send_email",
    autoretry_for=(OSError, DatabaseError),
    retry_backoff=True,
    max_retries=5,
)
def send_email(*, email_id):
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None:
        return
    services.send_email(email)


@shared_task(name="portal.send_pending_emails")
def send_pending_emails():
    """Beat job: re-queue outbox emails whose task never ran (broker or worker outage)."""
    for email_id in queries.emails_waiting().values_list("pk", flat=True)[:500]:
        services.dispatch_email(email_id)


@shared_task(name="portal.forget_sent_forms")
def forget_sent_forms():
    """Beat job: forget the tokens of forms sent over a month ago."""
    services.forget_sent_forms()


@shared_task(name="portal.delete_expired_api_tokens")
def delete_expired_api_tokens():
    """Beat job: forget API tokens past their expiry."""
    tokens.delete_expired_api_tokens()
