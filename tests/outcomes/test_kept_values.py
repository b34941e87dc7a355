"""The values kept for the figures (each opportunity's latest verified stage and value, each
stay's latest verified report with figures) equal a fresh computation from the records after
every step of a report's life, and refill_latest_values rebuilds them."""

import importlib
from decimal import Decimal

import pytest
from djmoney.money import Money

from outcomes import figures, services
from outcomes.enums import ReportStatus
from outcomes.figures import Scope
from outcomes.models import Opportunity, OutcomeReport
from programs.models import Intake
from tests.outcomes.conftest import day

pytestmark = pytest.mark.django_db
S = ReportStatus


def fresh_verified_values():
    """{opportunity: (stage, value)} from its updates in verified reports, in Python."""
    fresh = {}
    for opportunity in Opportunity.objects.prefetch_related("updates__report"):
        verified = [u for u in opportunity.updates.all() if u.report.status == S.VERIFIED]
        verified.sort(key=lambda u: (u.report.due_on, u.at, u.pk), reverse=True)
        latest = verified[0] if verified else None
        fresh[opportunity.pk] = (latest.stage, latest.value_converted) if latest else ("", None)
    return fresh


def fresh_latest_reports():
    """The pk of each placement's latest verified report with figures, in Python."""
    latest = {}
    for report in OutcomeReport.objects.order_by("due_on", "pk"):
        has_figures = report.employees_home is not None or report.investment_converted is not None
        if report.status == S.VERIFIED and has_figures:
            latest[report.placement_id] = report.pk
    return set(latest.values())


def assert_kept_values_are_fresh():
    kept = {
        pk: (stage, value)
        for pk, stage, value in Opportunity.objects.values_list(
            "pk", "verified_stage", "verified_value_converted"
        )
    }
    assert kept == fresh_verified_values()
    flagged = set(OutcomeReport.objects.filter(latest_verified=True).values_list("pk", flat=True))
    assert flagged == fresh_latest_reports()


def reload(report):
    return OutcomeReport.objects.get(pk=report.pk)


def test_kept_values_follow_every_step(reports, owner, manager):
    end, three = reports["end-of-stay"], reports["3-months"]
    assert_kept_values_are_fresh()
    deal = services.save_opportunity(
        end, by=owner, organisation="Acme", country="DE", kind="sales-contract",
        value=Money(1000, "CAD"), stage="identified", identified_on=day(-2),
        attribution="decisive",
    )  # fmt: skip
    services.save_report(reload(end), by=owner, version=None, narrative="Done.", employees_home=4)
    services.submit_report(end, by=owner)
    assert_kept_values_are_fresh()
    assert Opportunity.objects.get(pk=deal.pk).verified_stage == ""

    services.verify_report(end, by=manager)
    assert_kept_values_are_fresh()
    deal.refresh_from_db()
    assert (deal.verified_stage, deal.verified_value_converted) == ("identified", Decimal("1000"))
    assert set(OutcomeReport.objects.filter(latest_verified=True)) == {end}

    # A later report says won at 3,000: nothing changes until it is verified.
    services.save_opportunity(
        three, by=owner, opportunity=deal, stage="won", closed_on=day(0), value=Money(3000, "CAD")
    )
    services.save_report(reload(three), by=owner, version=None, narrative="Won.", employees_home=6)
    services.submit_report(three, by=owner)
    assert_kept_values_are_fresh()
    deal.refresh_from_db()
    assert (deal.verified_stage, deal.verified_value_converted) == ("identified", Decimal("1000"))

    services.request_changes(three, by=manager, question="Which contract?")
    services.save_report(reload(three), by=owner, version=None, answer="The signed one.")
    services.submit_report(three, by=owner)
    assert_kept_values_are_fresh()

    services.verify_report(three, by=manager)
    assert_kept_values_are_fresh()
    deal.refresh_from_db()
    assert (deal.verified_stage, deal.verified_value_converted) == ("won", Decimal("3000"))
    assert set(OutcomeReport.objects.filter(latest_verified=True)) == {three}

    # Edited after verification: verification reopens, the earlier verified report counts.
    services.save_report(reload(three), by=owner, version=None, employees_home=7)
    assert reload(three).status == S.SUBMITTED
    assert_kept_values_are_fresh()
    deal.refresh_from_db()
    assert (deal.verified_stage, deal.verified_value_converted) == ("identified", Decimal("1000"))
    assert set(OutcomeReport.objects.filter(latest_verified=True)) == {end}

    # The end-of-stay report edited after verification too: nothing verified is left.
    services.save_opportunity(reload(end), by=owner, opportunity=deal, value=Money(1200, "CAD"))
    assert_kept_values_are_fresh()
    deal.refresh_from_db()
    assert (deal.verified_stage, deal.verified_value_converted) == ("", None)
    assert not OutcomeReport.objects.filter(latest_verified=True).exists()

    services.reject_report(three, by=manager, reason="Not credible")
    services.verify_report(end, by=manager)
    assert_kept_values_are_fresh()
    deal.refresh_from_db()
    # The end-of-stay report now says what the firm saved last: won, at 1,200.
    assert (deal.verified_stage, deal.verified_value_converted) == ("won", Decimal("1200"))


def test_the_verified_figures_read_the_kept_values(reports, owner, manager, intake):
    end = reports["end-of-stay"]
    services.save_opportunity(
        end, by=owner, organisation="Acme", country="DE", kind="sales-contract",
        value=Money(2500, "CAD"), stage="won", identified_on=day(-2), closed_on=day(-1),
        attribution="decisive",
    )  # fmt: skip
    services.save_report(
        reload(end), by=owner, version=None, narrative="Done.", investment=Money(400, "CAD")
    )
    services.submit_report(end, by=owner)
    services.verify_report(end, by=manager)
    headline = figures.headline(Scope(Intake.objects.filter(pk=intake.pk)))
    assert (headline.opportunities, headline.value_identified, headline.deals_won) == (
        1,
        Decimal("2500.00"),
        1,
    )
    assert headline.investment == Decimal("400.00")


def test_refill_rebuilds_the_kept_values(reports, owner, manager):
    end = reports["end-of-stay"]
    services.save_opportunity(
        end, by=owner, organisation="Acme", country="DE", kind="sales-contract",
        value=Money(1000, "CAD"), stage="negotiation", identified_on=day(-2),
        attribution="decisive",
    )  # fmt: skip
    services.save_report(reload(end), by=owner, version=None, narrative="Done.", employees_home=4)
    services.submit_report(end, by=owner)
    services.verify_report(end, by=manager)
    Opportunity.objects.update(verified_stage="", verified_value_converted=None)
    OutcomeReport.objects.update(latest_verified=False)
    OutcomeReport.objects.filter(pk=reports["6-months"].pk).update(latest_verified=True)
    services.refill_latest_values()
    assert_kept_values_are_fresh()
    assert Opportunity.objects.get().verified_stage == "negotiation"


def test_the_migration_fills_the_kept_values_of_existing_rows(reports, owner, manager):
    from django.apps import apps

    step = importlib.import_module("outcomes.migrations.0004_kept_latest_values")
    end = reports["end-of-stay"]
    services.save_opportunity(
        end, by=owner, organisation="Acme", country="DE", kind="sales-contract",
        value=Money(800, "CAD"), stage="identified", identified_on=day(-2),
        attribution="decisive",
    )  # fmt: skip
    services.save_report(reload(end), by=owner, version=None, narrative="Done.", employees_home=4)
    services.submit_report(end, by=owner)
    services.verify_report(end, by=manager)
    Opportunity.objects.update(verified_stage="", verified_value_converted=None)
    OutcomeReport.objects.update(latest_verified=False)
    step.fill_kept_values(apps, None)
    assert_kept_values_are_fresh()
    assert Opportunity.objects.values_list("verified_stage", "verified_value_converted").get() == (
        "identified",
        Decimal("800"),
    )
