"""Permission predicates shared by every app. App-specific ones live in each app."""

import rules

from portal.enums import EMAIL_TRANSITIONS, EmailStatus


@rules.predicate
def is_superuser(user):
    # rules' own is_superuser ignores is_active; a deactivated superuser must have no rights.
    return bool(user.is_active and user.is_superuser)


@rules.predicate
def can_be_sent_again(user, email):
    """An email the outbox gave up on, which the table lets go back to pending (held ones
    wait for their batch's release instead)."""
    return (
        email is not None
        and email.status == EmailStatus.FAILED
        and EmailStatus.PENDING in EMAIL_TRANSITIONS[email.status]
    )


def waits_for_release(status):
    """Held for the release of its batch (the table lets it go only to pending)."""
    return status == EmailStatus.HELD


@rules.predicate
def is_held(user, email):
    return email is not None and waits_for_release(email.status)
