"""An intake's phase, derived from its times and data at the moment of asking.

Nothing flips a stored status on a schedule: the phase is always what the dates
and the selection workflow's timestamps say now.
"""

import datetime

from django.utils import timezone

from programs.enums import Phase

# Outcome reports are due at the end of a stay and 3, 6 and 12 months after it.
REPORTING_PERIOD = datetime.timedelta(days=366)


def phase_of(intake, now=None):
    now = now or timezone.now()
    if intake.archived_at is not None:
        return Phase.ARCHIVED
    if intake.published_at is None:
        return Phase.DRAFT
    if now < intake.opens_at:
        return Phase.UPCOMING
    if now < intake.closes_at:
        return Phase.OPEN
    today = now.astimezone(intake.zone).date()
    if today > intake.placement_ends_on + REPORTING_PERIOD:
        return Phase.ARCHIVED
    if today > intake.placement_ends_on:
        return Phase.REPORTING
    if intake.slate_confirmed_at is not None or today >= intake.placement_starts_on:
        return Phase.RUNNING
    if intake.selection_started_at is not None:
        return Phase.SELECTING
    return Phase.CLOSED


def accepts_applications(intake, now=None):
    return phase_of(intake, now) == Phase.OPEN
