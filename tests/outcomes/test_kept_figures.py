"""The figures kept per intake (outcomes.services.refresh_figures) equal a fresh
computation from the records after every step of a report's life, a payment's life, a stay's
status and a rate entered; the figures read them for whole intakes on the verified basis."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from djmoney.money import Money

from outcomes import figures, services, tasks
from outcomes.enums import Dimension
from outcomes.figures import Scope
from outcomes.models import IntakeFigures, ProgramFigures
from placements import desk_invoices, rates, stipends
from placements import services as placements_services
from placements.enums import ExpenseCategory
from programs.models import Intake
from tests import factories
from tests.outcomes.conftest import accepted_offer, day, ended_placement, placed, running_intake
from tests.placements.money import cad, claim_with

pytestmark = pytest.mark.django_db


def assert_kept_figures_are_fresh():
    """The kept figures read as the computation of the same scope reads: per intake, per
    intake in a breakdown, the program, and the figures page's overview with its series."""
    everything = Scope(Intake.objects.all())
    for pk in Intake.objects.values_list("pk", flat=True):
        one = Scope(Intake.objects.all(), intake=pk)
        assert figures.kept_breakdown(one) == figures.live_breakdown(one)
        assert figures.kept_overview(one) == figures.live_overview(one)
    for dimension in (None, Dimension.INTAKE):
        assert figures.kept_breakdown(everything, dimension) == figures.live_breakdown(
            everything, dimension
        )
    assert figures.kept_overview(everything) == figures.live_overview(everything)


def kept(intake):
    row = IntakeFigures.objects.get(intake=intake)
    return {
        "companies": row.companies,
        "markets": row.markets,
        "opportunities": row.opportunities,
        "value": row.value_identified,
        "won": row.deals_won,
        "jobs": row.jobs,
        "investment": row.investment,
        "cost": row.cost,
    }


def reload(report):
    from outcomes.models import OutcomeReport

    return OutcomeReport.objects.get(pk=report.pk)


def test_kept_figures_follow_every_step_of_a_report(reports, owner, manager, intake):
    end, three = reports["end-of-stay"], reports["3-months"]
    assert_kept_figures_are_fresh()
    assert kept(intake)["companies"] == 1
    deal = services.save_opportunity(
        end, by=owner, organisation="Acme", country="DE", kind="sales-contract",
        value=Money(1000, "CAD"), stage="identified", identified_on=day(-2),
        attribution="decisive",
    )  # fmt: skip
    services.record_market_entry(end, by=owner, country="DE", kind="first-sale", on=day(-1))
    services.save_report(reload(end), by=owner, version=None, narrative="Done.", employees_home=4)
    services.submit_report(end, by=owner)
    assert_kept_figures_are_fresh()
    assert kept(intake)["opportunities"] == 0

    services.verify_report(end, by=manager)
    assert_kept_figures_are_fresh()
    assert kept(intake) | {"jobs": None} == {
        "companies": 1, "markets": 1, "opportunities": 1, "value": Decimal("1000.00"),
        "won": 0, "jobs": None, "investment": Decimal("0.00"), "cost": Decimal("0.00"),
    }  # fmt: skip

    services.mark_value_unverified(deal, by=manager, reason="No contract seen")
    assert_kept_figures_are_fresh()
    assert kept(intake)["value"] == Decimal("0.00")
    services.mark_value_verified(deal, by=manager)
    assert_kept_figures_are_fresh()
    assert kept(intake)["value"] == Decimal("1000.00")

    # A later report, not verified yet, calls it unrelated: the verified figures read the
    # attribution of its latest verified report, so it counts until that report is verified.
    services.save_opportunity(three, by=owner, opportunity=deal, attribution="unrelated")
    assert_kept_figures_are_fresh()
    assert kept(intake)["opportunities"] == 1
    services.save_opportunity(
        three, by=owner, opportunity=deal, attribution="decisive", stage="won",
        closed_on=day(0), value=Money(3000, "CAD"),
    )  # fmt: skip
    services.save_report(reload(three), by=owner, version=None, narrative="Won.")
    services.submit_report(three, by=owner)
    services.request_changes(three, by=manager, question="Which contract?")
    services.save_report(reload(three), by=owner, version=None, answer="The signed one.")
    services.submit_report(three, by=owner)
    assert_kept_figures_are_fresh()
    services.verify_report(three, by=manager)
    assert_kept_figures_are_fresh()
    assert (kept(intake)["won"], kept(intake)["value"]) == (1, Decimal("3000.00"))

    # Edited after verification: verification reopens, the earlier verified report counts.
    services.save_report(reload(three), by=owner, version=None, investment=Money(50, "CAD"))
    assert_kept_figures_are_fresh()
    assert (kept(intake)["won"], kept(intake)["value"]) == (0, Decimal("1000.00"))
    services.reject_report(three, by=manager, reason="Not credible")
    assert_kept_figures_are_fresh()

    services.add_program_cost(
        intake, by=manager, description="Launch", amount=Money(400, "CAD"), on=day(-5)
    )
    assert_kept_figures_are_fresh()
    assert kept(intake)["cost"] == Decimal("400.00")


def pay_a_tranche_and_a_euro_desk_invoice(ended, manager, intake, host):
    """The stay's advance paid (1,000 CAD) and its desk invoice paid in euros, with no rate
    for its day; each step leaves the kept figures fresh. Returns the invoice."""
    host.desk_cost_per_day = Money("10.00", "EUR")
    host.save()
    Intake.objects.filter(pk=intake.pk).update(desk_invoicing="per-placement")
    award = stipends.propose_award(ended, by=manager, amount=Money(2000, "CAD"))
    award = stipends.award_stipend(award, by=manager)
    assert_kept_figures_are_fresh()
    advance = award.tranches.order_by("position").first()
    stipends.approve_tranche(advance, by=manager)
    assert kept(intake)["cost"] == Decimal("0.00")
    stipends.pay_tranche(advance, by=manager, paid_on=day(0), reference="T-1")
    assert_kept_figures_are_fresh()
    assert kept(intake)["cost"] == Decimal("1000.00")

    desk_invoices.generate_desk_invoices(Intake.objects.get(pk=intake.pk), today=day(1))
    invoice = ended.desk_invoices.get()
    desk_invoices.send_desk_invoice(invoice, by=manager)
    desk_invoices.confirm_desk_invoice(invoice, by=manager)
    desk_invoices.pay_desk_invoice(invoice, by=manager, paid_on=day(0), reference="D-1")
    assert_kept_figures_are_fresh()
    # Paid in euros with no rate for its day: left out, until a rate is entered.
    assert kept(intake)["cost"] == Decimal("1000.00")
    invoice.refresh_from_db()
    return invoice


def test_kept_figures_follow_every_step_of_a_payment(
    ended, manager, intake, host, django_capture_on_commit_callbacks
):
    invoice = pay_a_tranche_and_a_euro_desk_invoice(ended, manager, intake, host)
    with django_capture_on_commit_callbacks(execute=True):
        rates.record_rate(by=manager, base="EUR", quote="CAD", on=day(-1), rate=Decimal("1.5"))
    assert_kept_figures_are_fresh()
    assert kept(intake)["cost"] == Decimal("1000.00") + (
        invoice.total.amount * Decimal("1.5")
    ).quantize(Decimal("0.01"))


def test_kept_figures_follow_an_expense_claim_paid(ended, manager, owner, intake):
    award = stipends.award_stipend(
        stipends.propose_award(ended, by=manager, amount=Money(2000, "CAD")), by=manager
    )
    claim = claim_with(award, owner, (cad(300), ExpenseCategory.TRAVEL, -5))
    assert_kept_figures_are_fresh()
    stipends.approve_claim(claim, by=manager, approved={claim.lines.get().pk: cad(250)})
    assert_kept_figures_are_fresh()
    assert kept(intake)["cost"] == Decimal("0.00")  # approved, not yet paid
    stipends.pay_claim(claim, by=manager, paid_on=day(0), reference="C-1")
    assert_kept_figures_are_fresh()
    assert kept(intake)["cost"] == Decimal("250.00")


def test_a_rate_entered_refreshes_every_intake_after_its_commit_not_in_it(
    ended, manager, intake, host, django_capture_on_commit_callbacks
):
    invoice = pay_a_tranche_and_a_euro_desk_invoice(ended, manager, intake, host)
    other = running_intake()  # every intake, not only those paying in euros
    IntakeFigures.objects.create(intake=other, companies=7)  # written around the services
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rates.record_rate(by=manager, base="EUR", quote="CAD", on=day(-1), rate=Decimal("1.5"))
    # The rate's transaction did not refresh them: the rate page answers at once.
    assert kept(intake)["cost"] == Decimal("1000.00")
    assert kept(other)["companies"] == 7
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs inline (no broker)
    assert kept(intake)["cost"] == Decimal("1000.00") + (
        invoice.total.amount * Decimal("1.5")
    ).quantize(Decimal("0.01"))
    assert kept(other)["companies"] == 0
    assert_kept_figures_are_fresh()


def test_a_rate_entered_with_the_broker_down_still_refreshes_after_commit(
    ended, manager, intake, host, django_capture_on_commit_callbacks
):
    invoice = pay_a_tranche_and_a_euro_desk_invoice(ended, manager, intake, host)
    with (
        mock.patch.object(tasks.refresh_every_intake, "delay", side_effect=ConnectionError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rates.record_rate(by=manager, base="EUR", quote="CAD", on=day(-1), rate=Decimal("1.5"))
    assert kept(intake)["cost"] == Decimal("1000.00") + (
        invoice.total.amount * Decimal("1.5")
    ).quantize(Decimal("0.01"))
    assert_kept_figures_are_fresh()


def test_kept_figures_follow_a_stays_status(intake, host, partner, manager, company):
    later = running_intake(program=intake.program)
    factories.DeskOfferFactory(intake=later, host=host, desks=1)
    first = placed(accepted_offer(intake, host, company, starts_on=day(-10), ends_on=day(40)),
                   partner)  # fmt: skip
    assert_kept_figures_are_fresh()
    assert not IntakeFigures.objects.filter(intake=intake, present=True).exists()
    placements_services.log_arrival(first, by=partner, on=day(-10))
    assert_kept_figures_are_fresh()
    assert kept(intake)["companies"] == 1
    # The same firm placed again in a later intake of the program: one firm placed.
    offer = accepted_offer(later, host, company, starts_on=day(-10), ends_on=day(40))
    ended_placement(offer, partner)
    assert_kept_figures_are_fresh()
    assert (kept(intake)["companies"], kept(later)["companies"]) == (1, 1)
    assert ProgramFigures.objects.get(program=intake.program).companies == 1
    assert figures.headline(Scope(Intake.objects.all())).companies == 1
    placements_services.cut_short(first, by=partner, on=day(0), reason="Ill")
    assert_kept_figures_are_fresh()
    assert kept(intake)["companies"] == 1


def test_intakes_of_several_programs_count_their_firms_once(ended, intake, host, partner):
    other = running_intake()
    factories.DeskOfferFactory(intake=other, host=host, desks=1)
    ended_placement(
        accepted_offer(other, host, ended.company, starts_on=day(-10), ends_on=day(40)), partner
    )
    both = Scope(Intake.objects.all())
    assert figures.kept_breakdown(both) == figures.live_breakdown(both)
    assert figures.headline(both).companies == 1


def test_refresh_figures_rebuilds_what_was_written_around_the_services(reports, intake):
    IntakeFigures.objects.filter(intake=intake).update(companies=7, opportunities=9)
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert kept(intake)["companies"] == 1 and kept(intake)["opportunities"] == 0
    assert out.getvalue() == "Intakes refreshed: 1; changed: 1.\n"
    assert_kept_figures_are_fresh()


def test_refreshing_five_intakes_takes_the_queries_of_one(ended, intake, django_assert_num_queries):
    others = [running_intake(program=intake.program) for _ in range(4)]
    IntakeFigures.objects.filter(intake=intake).update(companies=7)
    # 18: with the payments no rate converts (one query, kept for the figures page), and
    # jobs and investment each read apart (one hash anti-join each on PostgreSQL).
    with django_assert_num_queries(18):
        services.refresh_figures([intake])
    assert kept(intake)["companies"] == 1
    IntakeFigures.objects.filter(intake=intake).update(companies=7)
    with django_assert_num_queries(18):  # four rows created, one updated
        services.refresh_figures([intake, *others])
    assert [kept(one)["companies"] for one in [intake, *others]] == [1, 0, 0, 0, 0]
    assert_kept_figures_are_fresh()


@pytest.mark.django_db(transaction=True)
def test_the_bulk_refill_runs_in_a_transaction_of_its_own():
    # Called outside any transaction, as the bench's fill does: refresh_figures locks the
    # programs' rows, which PostgreSQL allows only in a transaction.
    intake = running_intake()
    services.refill_latest_values()
    assert kept(intake)["companies"] == 0
    assert IntakeFigures.objects.get(intake=intake).present is False


def test_one_function_refreshes_kept_figures():
    # refresh_figures([intake]) for one intake: no second name for the same thing.
    assert not hasattr(services, "refresh_intake_figures")


def test_kept_figures_commit_or_roll_back_with_the_change(ended, manager, intake):
    award = stipends.propose_award(ended, by=manager, amount=Money(2000, "CAD"))
    advance = stipends.award_stipend(award, by=manager).tranches.order_by("position").first()
    stipends.approve_tranche(advance, by=manager)
    before = kept(intake)
    with pytest.raises(RuntimeError), transaction.atomic():
        stipends.pay_tranche(advance, by=manager, paid_on=day(0), reference="T-1")
        # Written in the payment's transaction, not after it commits.
        assert kept(intake)["cost"] == Decimal("1000.00")
        raise RuntimeError("the payment's transaction fails after it")
    assert kept(intake) == before
    assert before["cost"] == Decimal("0.00")


def test_refresh_figures_counts_no_drift_for_intakes_that_had_no_figures_yet(reports, intake):
    """A fresh demo said "changed: 4": intakes with no record yet had no kept row, and got an
    empty one; nothing had drifted."""
    for _ in range(3):
        running_intake(program=intake.program)
    assert IntakeFigures.objects.count() == 1
    out = io.StringIO()
    call_command("refresh_figures", stdout=out)
    assert out.getvalue() == "Intakes refreshed: 4; changed: 0.\n"
