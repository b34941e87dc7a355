"""Outcome reports changed by two people at the same moment, each on a connection of its own,
on PostgreSQL: two reports of one stay verified at once (one is the latest verified, and the
deal both mention keeps the later report's stage and value), a report verified while the
firm edits its sibling, a deal edited while another stay's report naming it is verified.
Each failed (a miscount or a deadlock) before every change of a report took its placement,
the report, then the deals it mentions, in order."""

import contextlib
import threading

import pytest
from djmoney.money import Money

from outcomes import documents, services
from outcomes.models import OutcomeReport
from programs import services as programs_services
from programs.enums import StaffRole
from programs.models import Intake
from tests import factories
from tests.applications.services.test_counting_concurrency import pause_t1, refused, t2_after
from tests.outcomes.conftest import ended_placement
from tests.outcomes.test_kept_values import assert_kept_values_are_fresh, reload
from tests.outcomes.test_services import opportunity
from tests.placements.conftest import accepted_offer, day, running_intake
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


def submit_one(report, owner, employees=4):
    services.save_report(
        reload(report), by=owner, version=None, narrative="x", employees_home=employees
    )
    services.submit_report(report, by=owner)


def test_the_follow_up_verified_while_the_firm_edits_its_verified_end_of_stay_report(
    postgres, offer, partner, owner, manager
):
    """The verification flags the follow-up as the stay's latest, so it unflags the end-of-stay
    report while the firm edits that one: both lock the stay first, so one waits."""
    ended = ended_placement(offer, partner)
    scheduled = {r.kind: r for r in services.schedule_reports(ended)}
    end, three = scheduled["end-of-stay"], scheduled["3-months"]
    submit_one(end, owner)
    services.verify_report(end, by=manager)
    submit_one(three, owner, 6)
    assert OutcomeReport.objects.get(pk=end.pk).latest_verified
    reached, pause = pause_t1(services, "_lock")
    with pause, t2_after(reached, services, "save_report"):
        outcomes = at_once(
            lambda: services.verify_report(three, by=manager),
            lambda: services.save_report(reload(end), by=owner, version=None, narrative="edited"),
        )
    assert refused(outcomes) == []


def test_a_deal_edited_on_a_verified_report_while_another_stays_report_is_verified(
    postgres, intake, offer, partner, owner, manager, company
):
    """Both reports mention the deals Y and X: editing X on one reopens it and re-reads Y and X,
    verifying the other reads Y and X; each takes them in order, so one waits."""
    p1 = ended_placement(offer, partner)
    intake2 = running_intake(program=intake.program)
    host2 = factories.DeskOfferFactory(intake=intake2, desks=1).host
    partner2 = factories.UserFactory()
    programs_services.add_host_partner(host2, user=partner2)
    offer2 = accepted_offer(intake2, host2, company, starts_on=day(-10), ends_on=day(40))
    p2 = ended_placement(offer2, partner2)
    r1 = {r.kind: r for r in services.schedule_reports(p1)}["end-of-stay"]
    r2 = {r.kind: r for r in services.schedule_reports(p2)}["end-of-stay"]
    y = opportunity(r1, owner, organisation="Y")
    x = opportunity(r1, owner, organisation="X")
    assert y.pk < x.pk
    services.save_opportunity(r2, by=owner, opportunity=y, value=Money(2000, "CAD"))
    services.save_opportunity(r2, by=owner, opportunity=x, value=Money(2000, "CAD"))
    submit_one(r1, owner)
    submit_one(r2, owner)
    services.verify_report(r1, by=manager)
    reached, pause = pause_t1(services, "_convert_value")
    with pause, t2_after(reached, services, "verify_report"):
        outcomes = at_once(
            lambda: services.save_opportunity(
                reload(r1), by=owner, opportunity=x, value=Money(3000, "CAD")
            ),
            lambda: services.verify_report(r2, by=manager),
        )
    assert refused(outcomes) == []


def test_verifications_of_a_program_are_stamped_in_the_order_they_commit(
    postgres, intake, offer, partner, owner, manager
):
    """The first verification stops before it refreshes the figures; the second, of another
    stay, commits meanwhile, and a program report built then reads its moment. The first
    commits last: its moment is later, so that report is out of date (the first was stamped
    when it began, earlier, and the report counted as up to date without it)."""
    elsewhere = factories.DeskOfferFactory(intake=intake, desks=1).host
    programs_services.add_host_partner(elsewhere, user=partner)
    other = accepted_offer(intake, elsewhere, starts_on=day(-10), ends_on=day(40))
    other_owner = factories.CompanyMemberFactory(company=other.application.company).user
    ends = []
    for stay, firm in ((offer, owner), (other, other_owner)):
        scheduled = services.schedule_reports(ended_placement(stay, partner))
        end = next(report for report in scheduled if report.kind == "end-of-stay")
        services.save_report(end, by=firm, version=None, narrative="x", employees_home=4)
        services.submit_report(end, by=firm)
        ends.append(end)
    intakes = Intake.objects.filter(pk=intake.pk)
    begun, paused = pause_t1(services, "keep_latest_values", before=True, seconds=1.5)

    def second_then_read():
        begun.wait(10)
        services.verify_report(ends[1], by=manager)
        return documents.verified_changed_at(intakes)

    with paused:
        outcomes = at_once(lambda: services.verify_report(ends[0], by=manager), second_then_read)

    assert refused(outcomes[:1]) == []
    first, second = (reload(end) for end in ends)
    assert first.verified_at > second.verified_at == outcomes[1]
    assert documents.verified_changed_at(intakes) == first.verified_at
