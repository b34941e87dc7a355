"""Redis stopped while firms submit: every submission is saved, and once Redis is back every
confirmation email and every screening job runs, each exactly once.

Redis is the broker and the shared cache (sessions, rate limits), as production runs it;
it is a Redis of the test's own, stopped without persistence, so the tasks queued before the
stop are lost with it. The beat sweeps find the work from the database.
"""

import datetime
import time
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications import tasks as application_tasks
from applications.enums import ApplicationStatus, MemberRole
from applications.models import Application, ApplicationEvent, Screening
from portal import services as portal_services
from portal import tasks as portal_tasks
from portal.celery import app
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from tests import factories
from tests.applications.services.test_applying import complete
from tests.conftest import point_at_broker
from tests.faults.conftest import report, wait_until
from tests.faults.mailbox import delivered

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

FIRMS = 6


@pytest.fixture
def on_own_redis(own_redis, settings, postgres):
    """The portal's broker and shared cache both on the test's Redis."""
    previous, previous_caches = app.conf.broker_url, settings.CACHES
    point_at_broker(own_redis.url, eager=False)
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.OutageTolerantRedisCache",
            "LOCATION": own_redis.url.replace("/0", "/1"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield own_redis
    point_at_broker(previous, eager=True)
    settings.CACHES = previous_caches


def firms_with_complete_drafts(count):
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    firms = []
    for number in range(count):
        owner = factories.CompanyMemberFactory(
            role=MemberRole.OWNER, user__email=f"owner{number}@firm{number}.example"
        )
        draft = services.start_application(owner.company, intake, by=owner.user)
        firms.append((owner.user, complete(draft, owner.user)))
    return firms


def test_firms_submit_while_redis_is_down_and_nothing_is_lost(on_own_redis, start_worker, tmp_path):
    firms = firms_with_complete_drafts(FIRMS)
    browsers = []
    for user, application in firms:
        browser = Client()
        browser.force_login(user)  # the session is now in the cache on Redis, and the database
        browsers.append((browser, application))

    on_own_redis.stop()
    slowest = 0.0
    for browser, application in browsers:
        began = time.monotonic()
        response = browser.post(reverse("applications:submit", args=[application.pk]))
        slowest = max(slowest, time.monotonic() - began)
        assert response.status_code == 302
        assert response.url == reverse("applications:step", args=[application.pk, "review"])
        page = browser.get(response.url)
        assert "Your application is submitted." in page.text

    # Saved, every one, while the work waits in the database.
    saved = Application.objects.filter(status=ApplicationStatus.SUBMITTED).count()
    assert saved == FIRMS
    assert OutgoingEmail.objects.filter(status=EmailStatus.PENDING).count() == FIRMS
    assert Screening.objects.count() == 0

    on_own_redis.start()
    mail_dir = tmp_path / "mail"
    start_worker(broker_url=on_own_redis.url, mail_dir=mail_dir)
    # The beat's next ticks, after the outage: the sweeps see work older than their margin.
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    Application.objects.update(submitted_at=long_ago)
    OutgoingEmail.objects.update(created_at=long_ago)
    portal_tasks.send_pending_emails.delay()
    application_tasks.screen_waiting.delay()
    assert wait_until(
        lambda: (
            OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == FIRMS
            and Screening.objects.count() == FIRMS
        ),
        timeout=60,
    ), "the worker did not catch up"

    # Every task delivered again, and the sweeps run again: nothing more happens.
    for _user, application in firms:
        application_tasks.screen_application.delay(application_id=application.pk)
    for email in OutgoingEmail.objects.all():
        portal_services.dispatch_email(email.pk)
    portal_tasks.send_pending_emails.delay()
    application_tasks.screen_waiting.delay()
    sentinel = portal_services.queue_email(
        key="sentinel", to=["sentinel@example.org"], subject="Sentinel", body="."
    )
    assert wait_until(
        lambda: OutgoingEmail.objects.get(pk=sentinel.pk).status == EmailStatus.SENT, timeout=60
    )

    messages = [m for m in delivered(mail_dir) if m["To"] != "sentinel@example.org"]
    recipients = Counter(m["To"] for m in messages)
    assert recipients == Counter({f"owner{n}@firm{n}.example": 1 for n in range(FIRMS)})
    screened = ApplicationEvent.objects.filter(note__startswith="Screened automatically")
    assert Counter(screened.values_list("application", flat=True)) == Counter(
        {application.pk: 1 for _user, application in firms}
    )
    assert Screening.objects.count() == FIRMS
    report(
        "redis stopped while firms submit",
        submissions_during_outage=FIRMS,
        submissions_saved=saved,
        confirmation_emails_sent=len(messages),
        screening_jobs_run=screened.count(),
        items_lost=FIRMS - len(messages) + FIRMS - screened.count(),
        duplicates=len(messages) - len(recipients) + screened.count() - FIRMS,
        slowest_submit_seconds=round(slowest, 1),
    )
