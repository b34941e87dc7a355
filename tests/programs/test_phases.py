import datetime

import pytest
from django.utils import timezone

from programs.enums import Phase
from programs.phases import phase_of
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def intake():
    opens = timezone.now() + 10 * DAY
    return factories.IntakeFactory.build(
        opens_at=opens,
        closes_at=opens + 20 * DAY,
        placement_starts_on=(opens + 60 * DAY).date(),
        placement_ends_on=(opens + 240 * DAY).date(),
        published_at=timezone.now(),
    )


def test_an_unpublished_intake_is_a_draft_whatever_the_date(intake):
    intake.published_at = None
    assert phase_of(intake, intake.opens_at + DAY) == Phase.DRAFT


def test_phase_follows_the_dates(intake):
    assert phase_of(intake, intake.opens_at - DAY) == Phase.UPCOMING
    assert phase_of(intake, intake.opens_at) == Phase.OPEN
    assert phase_of(intake, intake.closes_at - datetime.timedelta(seconds=1)) == Phase.OPEN
    assert phase_of(intake, intake.closes_at) == Phase.CLOSED
    start = datetime.datetime.combine(intake.placement_starts_on, datetime.time(12), intake.zone)
    assert phase_of(intake, start) == Phase.RUNNING
    end = datetime.datetime.combine(intake.placement_ends_on, datetime.time(12), intake.zone)
    assert phase_of(intake, end + DAY) == Phase.REPORTING
    assert phase_of(intake, end + 400 * DAY) == Phase.ARCHIVED


def test_selection_and_the_confirmed_slate_move_the_phase_on(intake):
    after_close = intake.closes_at + DAY
    intake.selection_started_at = after_close
    assert phase_of(intake, after_close) == Phase.SELECTING
    intake.slate_confirmed_at = after_close
    assert phase_of(intake, after_close) == Phase.RUNNING


def test_an_archived_intake_stays_archived(intake):
    intake.archived_at = timezone.now()
    assert phase_of(intake, intake.opens_at + DAY) == Phase.ARCHIVED


def test_the_window_is_read_in_the_intakes_time_zone(intake):
    # 23:30 in Toronto on the day before the window is already the first day in Kolkata.
    intake.time_zone = "Asia/Kolkata"
    day_before = intake.placement_starts_on - DAY
    moment = datetime.datetime.combine(
        day_before, datetime.time(23, 30), datetime.timezone(datetime.timedelta(hours=-5))
    )
    assert phase_of(intake, moment) == Phase.RUNNING
    intake.time_zone = "America/Toronto"
    assert phase_of(intake, moment) == Phase.CLOSED
