"""Reminders of outcome reports: before, on and after the due date, each once, in the reader's
language with a link to the report; overdue past the grace period, the managers are told once
and the report is flagged on their list."""

import pytest
from django.core import mail

from outcomes import queries, reminders, services
from outcomes.models import OutcomeReport, ReportTerms
from outcomes.tasks import remind_reports
from portal.models import OutgoingEmail
from tests.outcomes.conftest import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(partner, owner, manager):
    owner.language, manager.language = "fr", "en"
    owner.save()
    manager.save()
    return owner, manager


def keys(report):
    return sorted(
        OutgoingEmail.objects.filter(
            key__startswith="outcome-report", key__contains=f":{report.pk}:"
        ).values_list("key", flat=True)
    )


def run(today, capture):
    with capture(execute=True):
        reminders.remind_reports(today=today)


def test_the_firm_is_reminded_before_on_and_after_the_due_date_each_once(
    report, people, django_capture_on_commit_callbacks
):
    owner, _manager = people
    due = report.due_on.isoformat()
    assert report.due_on == day(14)
    run(day(6), django_capture_on_commit_callbacks)  # eight days before: not yet
    assert keys(report) == []
    for today in (7, 8, 13, 14, 15, 21, 22, 21):
        run(day(today), django_capture_on_commit_callbacks)
    assert keys(report) == [
        f"outcome-report-after:{report.pk}:{due}:fr",
        f"outcome-report-before:{report.pk}:{due}:fr",
        f"outcome-report-on:{report.pk}:{due}:fr",
    ]
    sent = [email for email in mail.outbox if email.to == [owner.email]]
    assert len(sent) == 3
    first = sent[0]
    assert first.body.startswith("Bonjour,")
    assert f"/outcomes/reports/{report.pk}/\n" in first.body


def test_a_report_overdue_past_the_grace_period_is_flagged_to_the_managers_once(
    report, people, manager, django_capture_on_commit_callbacks
):
    run(day(27), django_capture_on_commit_callbacks)  # 13 days late: within the grace period
    report.refresh_from_db()
    assert report.overdue_flagged_on is None
    run(day(28), django_capture_on_commit_callbacks)
    run(day(29), django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.overdue_flagged_on == day(28)
    overdue = [email for email in mail.outbox if email.to == [manager.email]]
    assert [email.subject for email in overdue] == [
        "Outcome report overdue: Maple Analytics (End of stay)"
    ]
    assert f"/outcomes/manage/reports/{report.pk}/" in overdue[0].body
    flagged = queries.filtered(queries.reports_for_manager(manager), due="flagged")
    assert list(flagged.values_list("pk", flat=True)) == [report.pk]


def test_a_moved_due_date_moves_the_reminders_and_lifts_the_flag(
    report, people, manager, django_capture_on_commit_callbacks
):
    run(day(28), django_capture_on_commit_callbacks)
    services.move_due_date(report, by=manager, to=day(40), reason="Their accountant is away")
    report.refresh_from_db()
    assert report.overdue_flagged_on is None
    assert list(queries.filtered(queries.reports_for_manager(manager), due="flagged")) == []
    before = len(keys(report))
    run(day(32), django_capture_on_commit_callbacks)  # nothing due under the new date yet
    assert len(keys(report)) == before
    run(day(33), django_capture_on_commit_callbacks)
    assert f"outcome-report-before:{report.pk}:{day(40).isoformat()}:fr" in keys(report)
    event = report.events.exclude(due_from=None).get()
    assert (event.due_from, event.due_to) == (day(14), day(40))
    assert event.note == "Their accountant is away"


def test_a_report_handed_in_gets_no_reminder(report, owner, django_capture_on_commit_callbacks):
    services.save_report(report, by=owner, version=None, narrative="Done.")
    services.submit_report(report, by=owner)
    run(day(14), django_capture_on_commit_callbacks)
    run(day(40), django_capture_on_commit_callbacks)
    assert keys(report) == []
    assert OutcomeReport.objects.get(pk=report.pk).overdue_flagged_on is None


def test_the_intakes_terms_set_the_days(report, people, intake, django_capture_on_commit_callbacks):
    ReportTerms.objects.create(
        intake=intake, remind_before_days=2, remind_on_due_date=False, remind_after_days=3,
        grace_days=5,
    )  # fmt: skip
    run(day(11), django_capture_on_commit_callbacks)
    assert keys(report) == []
    for today in (12, 14, 17, 19):
        run(day(today), django_capture_on_commit_callbacks)
    due = day(14).isoformat()
    assert keys(report) == [
        f"outcome-report-after:{report.pk}:{due}:fr",
        f"outcome-report-before:{report.pk}:{due}:fr",
        f"outcome-report-overdue:{report.pk}:{due}:en",
    ]


def test_the_beat_task_runs_the_reminders_and_a_retry_sends_nothing_more(
    report, people, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(reminders.timezone, "localdate", lambda: day(14))
    with django_capture_on_commit_callbacks(execute=True):
        remind_reports.apply()
        remind_reports.apply()
    assert keys(report) == [f"outcome-report-on:{report.pk}:{day(14).isoformat()}:fr"]
    owner = people[0]
    assert [email.to for email in mail.outbox] == [[owner.email]]
