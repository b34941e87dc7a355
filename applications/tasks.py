import logging

from celery import shared_task

from applications import services
from applications.models import Application, SelectionRun
from programs.models import Intake

logger = logging.getLogger(__name__)


@shared_task(name="applications.remind_drafts")
def remind_drafts():
    """Beat job: remind the teams of drafts whose deadline is near; each reminder once."""
    services.remind_drafts()


@shared_task(name="applications.screen_application")
def screen_application(*, application_id):
    """After submission: apply the intake's rules (does nothing if already screened)."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    services.screen_application(application)


@shared_task(name="applications.screen_waiting")
def screen_waiting():
    """Beat job: queue screening for submissions whose job was lost to an outage."""
    services.screen_waiting()


@shared_task(name="applications.refresh_scores")
def refresh_scores(*, intake_id):
    """After a review changes: recompute the intake's combined and calibrated scores."""
    intake = Intake.objects.filter(pk=intake_id).first()
    if intake is None:
        return
    services.refresh_scores(intake)


@shared_task(name="applications.refresh_stale_scores")
def refresh_stale_scores():
    """Beat job: recompute scores a lost refresh left behind."""
    services.refresh_stale_scores()


@shared_task(name="applications.remind_reviewers")
def remind_reviewers():
    """Beat job: remind reviewers of reviews due soon; each reminder once."""
    services.remind_reviewers()


@shared_task(name="applications.run_selection")
def run_selection(*, run_id):
    """Solve a selection run and keep its slate (does nothing if the run is finished)."""
    run = SelectionRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    services.execute_run(run)


@shared_task(name="applications.requeue_stalled_runs")
def requeue_stalled_runs():
    """Beat job: queue again selection runs whose task an outage lost."""
    services.requeue_stalled_runs()


@shared_task(name="applications.expire_offers")
def expire_offers():
    """Beat job: close unanswered offers past their deadline; offer their seats again."""
    services.expire_offers()


@shared_task(name="applications.recount_work")
def recount_work():
    """Beat job: count again what waits for each open intake's managers (mends a kept count
    that went wrong: rows deleted with a person, say)."""
    mended = services.recount_open_work()
    if mended:
        logger.warning("Work counts were wrong and are mended for intakes %s.", mended)
