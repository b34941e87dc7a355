from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.enums import EmailStatus
from portal.models import OutgoingEmail


def emails_waiting(*, older_than=timedelta(minutes=1)):
    """Pending outbox emails that a lost task or a broker outage left behind."""
    cutoff = timezone.now() - older_than
    return OutgoingEmail.objects.filter(status=EmailStatus.PENDING, created_at__lte=cutoff)


def language_of_address(email):
    """The language the account of this email address chose, or "" (no account, or none
    chosen): what an email to an address, not to a known person, is written in."""
    accounts = get_user_model().objects.filter(email__iexact=email).exclude(language="")
    return accounts.values_list("language", flat=True).first() or ""
