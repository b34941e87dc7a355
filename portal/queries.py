from datetime import timedelta

from django.utils import timezone

from portal.enums import EmailStatus
from portal.models import OutgoingEmail


def emails_waiting(*, older_than=timedelta(minutes=1)):
    """Pending outbox emails that a lost task or a broker outage left behind."""
    cutoff = timezone.now() - older_than
    return OutgoingEmail.objects.filter(status=EmailStatus.PENDING, created_at__lte=cutoff)
