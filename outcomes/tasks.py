from celery import shared_task
from django.core.exceptions import ValidationError

from outcomes import queries, reminders, services


@shared_task(name="outcomes.schedule_ended_placements")
def schedule_ended_placements():
    """Schedule the reports of every placement that ended and has none yet. Idempotent:
    a placement with reports is not listed again, and the unique (placement, kind)
    constraint keeps a second worker from doubling any."""
    for placement in queries.unscheduled_placements().iterator():
        try:
            services.schedule_reports(placement)
        except ValidationError:
            continue


@shared_task(name="outcomes.remind_reports")
def remind_reports():
    """Beat job: reminders before, on and after each report's due date, and the managers told
    of reports overdue past the grace period; each once (keyed in the outbox)."""
    reminders.remind_reports()
