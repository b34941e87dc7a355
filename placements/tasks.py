from celery import shared_task

from placements import reminders


@shared_task(name="placements.remind_stays")
def remind_stays():
    """Beat job: arrival in seven days, check-ins due and overdue, departures due; each
    reminder once (keyed in the outbox)."""
    reminders.remind_stays()
