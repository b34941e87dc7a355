from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    HELD = "held", _("Held for release")
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


E = EmailStatus
# status -> the statuses it may move to; portal.services.change_email_status is the one
# function that moves an outbox email, and it reads this table. Held: waits for a manager
# to release its batch. Pending: the send task tries it, at most PORTAL_EMAIL_MAX_ATTEMPTS
# times. Failed: out of attempts, or refused by the mail layer (it can never go as it is);
# a manager may send it again.
EMAIL_TRANSITIONS = {
    E.HELD: {E.PENDING},
    E.PENDING: {E.SENT, E.FAILED},
    E.FAILED: {E.PENDING},
    E.SENT: set(),
}
