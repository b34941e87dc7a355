from celery import shared_task

from placements import desk_invoices, rate_imports, reminders


@shared_task(name="placements.remind_stays")
def remind_stays():
    """Beat job: arrival in seven days, check-ins due and overdue, departures due; each
    reminder once (keyed in the outbox)."""
    reminders.remind_stays()


@shared_task(
    name="placements.import_rates",
    autoretry_for=(rate_imports.RateFetchError,),
    retry_backoff=300,
    max_retries=4,
)
def import_rates(*, source):
    """Beat job: fetch a bank's latest rates and add the days not yet recorded."""
    rate_imports.fetch_and_import(source)


@shared_task(name="placements.generate_desk_invoices")
def generate_desk_invoices():
    """Beat job: draw the desk invoices that became due (a month over, a stay ended)."""
    desk_invoices.generate_all_desk_invoices()
