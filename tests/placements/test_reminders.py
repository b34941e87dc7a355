"""Beat's reminders around a stay: each sent once, to the right people, in their language."""

import pytest
from django.conf import settings
from django.core import mail

from placements import reminders, services
from placements.enums import EntryKind
from placements.tasks import remind_stays
from portal.models import OutgoingEmail
from tests.placements.conftest import day, placed

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(partner, owner, manager):
    partner.language, owner.language, manager.language = "en", "fr", "en"
    for person in (partner, owner, manager):
        person.save()
    return partner, owner, manager


def keys():
    return sorted(
        OutgoingEmail.objects.exclude(key__startswith="host-partners")
        .exclude(key__startswith="placement-confirmed")
        .values_list("key", flat=True)
    )


def run(today, capture):
    with capture(execute=True):
        reminders.remind_stays(today=today)


def test_a_stay_starting_within_the_week_is_announced_once_to_the_firm_and_the_host(
    offer, people, django_capture_on_commit_callbacks
):
    partner, owner, _manager = people
    placement = placed(offer, partner, start=5, end=40, desk="B2")

    run(day(-3), django_capture_on_commit_callbacks)  # eight days before: not yet
    assert keys() == []
    run(day(0), django_capture_on_commit_callbacks)
    run(day(1), django_capture_on_commit_callbacks)

    start = day(5).isoformat()
    assert keys() == [f"placement-arrival:{placement.pk}:{start}:{lang}" for lang in ("en", "fr")]
    by_reader = {email.to[0]: email for email in mail.outbox if "Arriv" in email.subject}
    assert sorted(by_reader) == sorted([owner.email, partner.email])
    assert by_reader[partner.email].subject == "Arriving soon: Maple Analytics at Berlin Hub"
    assert by_reader[owner.email].body.startswith("Bonjour,")


def test_a_check_in_falls_due_after_the_cadence_and_overdue_reaches_the_managers(
    offer, people, django_capture_on_commit_callbacks
):
    partner, _owner, manager = people
    placement = placed(offer, partner, start=-20, end=40)
    services.log_arrival(placement, by=partner, on=day(-20))
    services.add_log_entry(placement, by=partner, kind=EntryKind.CHECK_IN, on=day(-12))
    # Weekly: the next one was due eight days after the check-in, five days ago.
    due = day(-5).isoformat()

    run(day(-6), django_capture_on_commit_callbacks)
    assert keys() == []
    run(day(-5), django_capture_on_commit_callbacks)
    assert keys() == [f"check-in-due:{placement.pk}:{due}:en"]
    run(day(-2), django_capture_on_commit_callbacks)
    run(day(0), django_capture_on_commit_callbacks)
    assert keys() == [
        f"check-in-due:{placement.pk}:{due}:en",
        f"check-in-overdue:{placement.pk}:{due}:en",
    ]
    overdue = OutgoingEmail.objects.get(key__startswith="check-in-overdue")
    assert overdue.to == [manager.email]
    assert overdue.subject == "Check-in overdue: Maple Analytics at Berlin Hub"

    # A check-in logged: the next one is due a week later, a new reminder.
    services.add_log_entry(placement, by=partner, kind=EntryKind.CHECK_IN, on=day(0))
    run(day(6), django_capture_on_commit_callbacks)
    assert len(keys()) == 2
    run(day(7), django_capture_on_commit_callbacks)
    assert len(keys()) == 3
    assert f"check-in-due:{placement.pk}:{day(7).isoformat()}:en" in keys()


def test_the_intake_sets_the_check_in_cadence(intake, offer, people):
    partner, _owner, _manager = people
    intake.check_in_every_days = 14
    intake.save()
    placement = placed(offer, partner, start=-10, end=40)
    services.log_arrival(placement, by=partner, on=day(-10))

    reminders.remind_stays(today=day(3))
    assert keys() == []
    reminders.remind_stays(today=day(4))
    assert keys() == [f"check-in-due:{placement.pk}:{day(4).isoformat()}:en"]


def test_a_stay_past_its_planned_end_asks_the_partner_to_log_the_departure(
    offer, people, django_capture_on_commit_callbacks
):
    partner, _owner, _manager = people
    placement = placed(offer, partner, start=-20, end=-1)
    services.log_arrival(placement, by=partner, on=day(-20))
    services.add_log_entry(placement, by=partner, kind=EntryKind.CHECK_IN, on=day(-2))

    run(day(0), django_capture_on_commit_callbacks)
    run(day(1), django_capture_on_commit_callbacks)

    assert keys() == [f"placement-departure:{placement.pk}:{day(-1).isoformat()}:en"]
    email = OutgoingEmail.objects.get(key__startswith="placement-departure")
    assert (email.to, email.subject) == ([partner.email], "Departure due: Maple Analytics")

    services.log_departure(placement, by=partner, on=day(0))
    reminders.remind_stays(today=day(2))
    assert len(keys()) == 1


def test_beat_runs_the_reminders_every_hour_through_a_thin_task(offer, people):
    partner, _owner, _manager = people
    placed(offer, partner, start=3, end=40)

    assert settings.CELERY_BEAT_SCHEDULE["remind-stays"] == {
        "task": "placements.remind_stays",
        "schedule": 3600.0,
    }
    assert remind_stays.name == "placements.remind_stays"
    remind_stays()
    assert len(keys()) == 2
