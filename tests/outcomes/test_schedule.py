import datetime
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from outcomes import queries, services, tasks
from outcomes.models import Baseline, OutcomeReport, ReportEvent, ReportTerms
from placements import services as placements_services
from tests import factories
from tests.outcomes.conftest import accepted_offer, day, ended_placement, placed

pytestmark = pytest.mark.django_db


def dates(placement):
    return dict(placement.outcome_reports.values_list("kind", "due_on"))


def test_a_completed_stay_gets_four_reports_at_the_default_offsets(ended, partner):
    created = services.schedule_reports(ended, by=partner)
    assert dates(ended) == {
        "end-of-stay": day(14),
        "3-months": day(0) + relativedelta(months=3),
        "6-months": day(0) + relativedelta(months=6),
        "12-months": day(0) + relativedelta(months=12),
    }
    assert [report.status for report in created] == ["due"] * 4
    # No note stored: "Scheduled" is said in each reader's language (ReportEvent.shown_note).
    events = ReportEvent.objects.all()
    assert [(e.to_status, e.due_to, e.note, e.shown_note) for e in events] == [
        ("due", report.due_on, "", "Scheduled") for report in created
    ]


def test_follow_ups_fall_months_after_departure_and_keep_to_the_month_end():
    left = SimpleNamespace(departed_on=datetime.date(2024, 11, 30), ends_on=None)
    assert services.due_dates(left, ReportTerms()) == {
        "end-of-stay": datetime.date(2024, 12, 14),
        "3-months": datetime.date(2025, 2, 28),
        "6-months": datetime.date(2025, 5, 30),
        "12-months": datetime.date(2025, 11, 30),
    }


def test_the_intake_sets_the_offsets(intake, offer, partner):
    ReportTerms.objects.create(intake=intake, end_of_stay_days=7, months_3=2, months_6=4,
                               months_12=9)  # fmt: skip
    placement = ended_placement(offer, partner, departed=-1)
    services.schedule_reports(placement)
    assert dates(placement)["end-of-stay"] == day(6)
    assert dates(placement)["3-months"] == day(-1) + relativedelta(months=2)
    assert dates(placement)["6-months"] == day(-1) + relativedelta(months=4)
    assert dates(placement)["12-months"] == day(-1) + relativedelta(months=9)


def test_scheduling_twice_creates_nothing_more(ended):
    assert len(services.schedule_reports(ended)) == 4
    assert services.schedule_reports(ended) == []
    assert OutcomeReport.objects.count() == 4
    assert Baseline.objects.count() == 1


def test_the_database_refuses_a_second_report_of_a_kind(reports, ended):
    with pytest.raises(IntegrityError):
        OutcomeReport.objects.create(placement=ended, kind="3-months", due_on=day(1))


def test_a_stay_cut_short_gets_reports_from_its_departure(offer, partner):
    placement = ended_placement(offer, partner, departed=-3, cut_short=True)
    services.schedule_reports(placement)
    assert dates(placement)["end-of-stay"] == day(11)


def test_a_cancelled_or_running_placement_gets_none(offer, partner):
    placement = placed(offer, partner)
    with pytest.raises(ValidationError) as error:
        services.schedule_reports(placement)
    assert error.value.messages == ["Reports are scheduled only for a stay that has ended."]
    placements_services.cancel_placement(placement, by=partner, reason="no-show")
    with pytest.raises(ValidationError):
        services.schedule_reports(placement)
    assert OutcomeReport.objects.count() == 0


def test_the_baseline_is_copied_from_the_firm_at_scheduling(ended, company):
    services.schedule_reports(ended)
    baseline = Baseline.objects.get()
    assert (baseline.employees, baseline.annual_revenue) == (
        company.employees,
        company.annual_revenue,
    )


def test_the_beat_task_schedules_every_ended_placement_once(ended, intake, host, partner):
    other = factories.DeskOfferFactory(intake=intake, desks=1).host
    running = placed(accepted_offer(intake, other, starts_on=day(-10), ends_on=day(40)), partner)
    assert list(queries.unscheduled_placements()) == [ended]
    tasks.schedule_ended_placements()
    tasks.schedule_ended_placements()
    assert OutcomeReport.objects.filter(placement=ended).count() == 4
    assert OutcomeReport.objects.filter(placement=running).count() == 0
    assert list(queries.unscheduled_placements()) == []


def test_a_manager_moves_a_due_date_with_a_reason(report, manager):
    before = report.due_on
    services.move_due_date(report, by=manager, to=day(30), reason="Trade fair")
    report.refresh_from_db()
    assert report.due_on == day(30)
    assert list(
        report.events.filter(due_from__isnull=False).values_list(
            "actor", "due_from", "due_to", "note"
        )
    ) == [(manager.pk, before, day(30), "Trade fair")]


def test_moving_a_due_date_needs_a_reason(report, manager):
    with pytest.raises(ValidationError) as error:
        services.move_due_date(report, by=manager, to=day(30), reason=" ")
    assert error.value.messages == ["Give the reason."]
    report.refresh_from_db()
    assert report.due_on == day(14)
