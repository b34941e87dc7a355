from celery import shared_task

from applications import services


@shared_task(name="applications.remind_drafts")
def remind_drafts():
    """Beat job: remind the teams of drafts whose deadline is near; each reminder once."""
    services.remind_drafts()
