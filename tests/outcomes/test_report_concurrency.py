"""Two reports of one stay verified at the same moment by two managers, on PostgreSQL: one
report is the latest verified, and the deal both mention keeps the later report's stage and
value (each case failed before the report's placement and deals were locked first)."""

import contextlib
import threading

import pytest
from djmoney.money import Money

from outcomes import services
from outcomes.models import OutcomeReport
from programs.enums import StaffRole
from tests import factories
from tests.applications.services.test_counting_concurrency import refused
from tests.outcomes.conftest import ended_placement
from tests.outcomes.test_kept_values import assert_kept_values_are_fresh, reload
from tests.placements.conftest import day
from tests.placements.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reports(postgres, offer, partner, owner):
    """The stay's end-of-stay and 3-month reports, both submitted."""
    ended = ended_placement(offer, partner)
    scheduled = {report.kind: report for report in services.schedule_reports(ended)}
    return scheduled["end-of-stay"], scheduled["3-months"]


def submit(reports, owner):
    for report, employees in zip(reports, (4, 6), strict=True):
        services.save_report(
            reload(report), by=owner, version=None, narrative="x", employees_home=employees
        )
        services.submit_report(report, by=owner)


def verify_both_at_once(monkeypatch, reports, offer, manager):
    """Each verification waits (a second at most) for the other before flagging the latest
    report: without the placement's lock both would read the flags at the same moment."""
    colleague = factories.ProgramStaffFactory(
        program=offer.intake.program, role=StaffRole.MANAGER
    ).user
    barrier = threading.Barrier(2)
    real = services.keep_latest_report

    def together(placement_id):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return real(placement_id)

    monkeypatch.setattr(services, "keep_latest_report", together)
    end, three = reports
    return at_once(
        lambda: services.verify_report(three, by=manager),
        lambda: services.verify_report(end, by=colleague),
    )


def latest_flagged():
    return set(OutcomeReport.objects.filter(latest_verified=True).values_list("kind", flat=True))


def test_two_reports_of_one_stay_verified_at_once_leave_one_latest_and_the_later_deal(
    monkeypatch, reports, offer, owner, manager
):
    end, three = reports
    deal = services.save_opportunity(
        end, by=owner, organisation="Acme", country="DE", kind="sales-contract",
        value=Money(1000, "CAD"), stage="identified", identified_on=day(-2),
        attribution="decisive",
    )  # fmt: skip
    services.save_opportunity(
        three, by=owner, opportunity=deal, stage="won", closed_on=day(0), value=Money(3000, "CAD")
    )
    submit(reports, owner)

    outcomes = verify_both_at_once(monkeypatch, reports, offer, manager)

    assert refused(outcomes) == []
    assert latest_flagged() == {"3-months"}
    deal.refresh_from_db()
    assert (deal.verified_stage, deal.verified_value_converted) == ("won", 3000)
    assert_kept_values_are_fresh()


def test_two_reports_without_a_deal_verified_at_once_leave_one_latest(
    monkeypatch, reports, offer, owner, manager
):
    submit(reports, owner)

    outcomes = verify_both_at_once(monkeypatch, reports, offer, manager)

    assert refused(outcomes) == []
    assert latest_flagged() == {"3-months"}
    assert_kept_values_are_fresh()
