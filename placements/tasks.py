from celery import shared_task

from placements import rate_imports


@shared_task(
    name="placements.import_rates",
    autoretry_for=(rate_imports.RateFetchError,),
    retry_backoff=300,
    max_retries=4,
)
def import_rates(*, source):
    """Beat job: fetch a bank's latest rates and add the days not yet recorded."""
    rate_imports.fetch_and_import(source)
