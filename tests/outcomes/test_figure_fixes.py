"""Figures that moved without a manager's verification, figures a later report erased or a
firm placed twice doubled, kept figures gone stale, drill-downs that listed other records
than their figure counts, and payments no rate converts left out without a word."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from djmoney.money import Money

from outcomes import figures, services
from outcomes.enums import Basis, Dimension
from outcomes.figures import Scope
from outcomes.models import Baseline, IntakeFigures, Opportunity, OutcomeReport
from placements import services as placements_services
from programs import services as programs_services
from programs.enums import StaffRole
from programs.models import Intake
from tests import factories
from tests.outcomes.conftest import accepted_offer, day, ended_placement, placed

pytestmark = pytest.mark.django_db


def everything():
    return Scope(Intake.objects.all())


def hand_in(report, owner, manager, **fields):
    services.save_report(report, by=owner, version=None, narrative="Done.", **fields)
    services.submit_report(report, by=owner)
    services.verify_report(report, by=manager)


def deal(report, owner, **changes):
    data = {
        "organisation": "Buyer", "country": "DE", "kind": "sales-contract",
        "value": Money(1000, "CAD"), "stage": "identified", "identified_on": day(-2),
        "attribution": "decisive",
    } | changes  # fmt: skip
    return services.save_opportunity(report, by=owner, **data)


def kept_and_live(scope=None):
    scope = scope or everything()
    return figures.overview(scope), figures.live_overview(scope)


def firms_at(intake, manager, partner, spread):
    """spread: [(country, number of firms)]: each firm placed at a host of that market,
    its end-of-stay report verified with a CAD 1,000 deal."""
    placements = []
    for country, firms in spread:
        host = factories.DeskOfferFactory(
            intake=intake, host__market__country=country, host__desk_capacity=firms,
            desks=firms,
        ).host  # fmt: skip
        host.partner_staff.add(partner)
        for _number in range(firms):
            company = factories.CompanyFactory(employees=4)
            owner = factories.CompanyMemberFactory(company=company).user
            offer = accepted_offer(intake, host, company, starts_on=day(-10), ends_on=day(40))
            placement = ended_placement(offer, partner)
            report = services.schedule_reports(placement)[0]
            deal(report, owner)
            hand_in(report, owner, manager)
            placements.append(placement)
    return placements


def second_intake(intake, host):
    second = factories.IntakeFactory(
        program=intake.program, opens_at=intake.opens_at, closes_at=intake.closes_at,
        placement_starts_on=intake.placement_starts_on, placement_ends_on=intake.placement_ends_on,
    )  # fmt: skip
    factories.DeskOfferFactory(intake=second, host=host)
    return second


# --- 1. An unverified edit of an opportunity changes no verified figure ---------------------


@pytest.fixture
def verified_deal(reports, owner, manager):
    found = deal(reports["end-of-stay"], owner, value=Money(50000, "CAD"), attribution="unrelated")
    hand_in(reports["end-of-stay"], owner, manager)
    return found


def test_an_attribution_changed_in_a_report_not_verified_counts_only_once_verified(
    verified_deal, reports, owner, manager
):
    assert figures.headline(everything()).opportunities == 0
    three = reports["3-months"]
    services.save_opportunity(three, by=owner, opportunity=verified_deal, attribution="decisive")
    (kept, _m, _y), (live, _lm, _ly) = kept_and_live()
    assert (kept.opportunities, kept.value_identified) == (0, Decimal("0.00"))
    assert (live.opportunities, live.value_identified) == (0, Decimal("0.00"))
    # The reported figures read what the firm says.
    reported = figures.headline(everything(), Basis.REPORTED)
    assert (reported.opportunities, reported.value_identified) == (1, Decimal("50000.00"))

    hand_in(three, owner, manager)
    (kept, _m, _y), (live, _lm, _ly) = kept_and_live()
    assert (kept.opportunities, kept.value_identified) == (1, Decimal("50000.00"))
    assert live.opportunities == 1


def test_a_date_identified_changed_in_a_report_not_verified_moves_no_verified_year(
    reports, owner, manager
):
    found = deal(reports["end-of-stay"], owner)
    hand_in(reports["end-of-stay"], owner, manager)
    (_f, _m, before), (_lf, _lm, live_before) = kept_and_live()
    services.save_opportunity(
        reports["3-months"], by=owner, opportunity=found, identified_on=day(-800)
    )
    (_f, _m, after), (_lf, _lm, live_after) = kept_and_live()
    assert after == before == live_after == live_before
    assert figures.by_year_identified(everything()) == before
    listed = figures.opportunities(everything()).get()
    assert listed.counted_identified_on == day(-2)
    assert figures.opportunities(everything(), Basis.REPORTED).get().counted_identified_on == day(
        -800
    )


def test_the_migration_fills_the_verified_attribution_and_date_of_counted_opportunities(
    verified_deal, reports, owner
):
    step = importlib.import_module("outcomes.migrations.0007_verified_attribution_and_figures")
    deal(reports["3-months"], owner, organisation="Not yet verified")
    Opportunity.objects.update(verified_attribution="", verified_identified_on=None)
    step.fill_verified_columns(apps, None)
    assert sorted(
        Opportunity.objects.values_list("organisation", "verified_attribution",
                                        "verified_identified_on")
    ) == [("Buyer", "unrelated", day(-2)), ("Not yet verified", "", None)]  # fmt: skip


# --- 2. Jobs and follow-on investment each from the latest report giving them ---------------


@pytest.fixture
def ten_before(reports):
    Baseline.objects.filter(placement=reports["end-of-stay"].placement).update(employees=10)
    return reports


def test_a_later_verified_report_without_a_headcount_keeps_the_jobs(ten_before, owner, manager):
    reports = ten_before
    hand_in(reports["end-of-stay"], owner, manager, employees_home=15, employees_abroad=0)
    hand_in(reports["3-months"], owner, manager, investment=Money(250000, "CAD"))
    (kept, _m, _y), (live, _lm, _ly) = kept_and_live()
    assert (
        (kept.jobs, kept.investment)
        == (live.jobs, live.investment)
        == (
            5,
            Decimal("250000.00"),
        )
    )
    intake = reports["end-of-stay"].placement.intake_id
    row = IntakeFigures.objects.get(intake=intake)
    assert (row.jobs, row.investment) == (5, Decimal("250000.00"))
    assert [r.kind for r in figures.job_reports(everything())] == ["end-of-stay"]
    assert [r.kind for r in figures.investment_reports(everything())] == ["3-months"]


def test_a_later_verified_report_without_an_investment_keeps_the_investment(
    ten_before, owner, manager
):
    reports = ten_before
    hand_in(reports["end-of-stay"], owner, manager, employees_home=12,
            investment=Money(250000, "CAD"))  # fmt: skip
    hand_in(reports["3-months"], owner, manager, employees_home=16)
    for basis in Basis:
        found = figures.headline(everything(), basis)
        assert (found.jobs, found.investment) == (6, Decimal("250000.00")), basis
    assert set(
        OutcomeReport.objects.filter(latest_verified=True).values_list("kind", flat=True)
    ) == {"3-months"}
    assert set(
        OutcomeReport.objects.filter(latest_verified_investment=True).values_list("kind", flat=True)
    ) == {"end-of-stay"}


# --- 3. A firm placed twice counts once -----------------------------------------------------


def test_a_firm_placed_in_two_intakes_has_its_jobs_and_investment_counted_once(
    intake, host, partner, manager
):
    firm = factories.CompanyFactory(name="Twice", employees=10)
    owner = factories.CompanyMemberFactory(company=firm).user
    second = second_intake(intake, host)
    for where, employees in ((intake, 13), (second, 15)):
        offer = accepted_offer(where, host, firm, starts_on=day(-10), ends_on=day(40))
        report = services.schedule_reports(ended_placement(offer, partner))[0]
        hand_in(report, owner, manager, employees_home=employees,
                investment=Money(1000, "CAD"))  # fmt: skip
    # The program (kept per program) and a computation: the latest report, less its stay's
    # application (10 both times).
    (kept, _m, _y), (live, _lm, _ly) = kept_and_live()
    assert (kept.companies, kept.jobs, kept.investment) == (1, 5, Decimal("1000.00"))
    assert (live.companies, live.jobs, live.investment) == (1, 5, Decimal("1000.00"))
    # Each intake's own figures count the firm in it.
    per_intake = {row.group: row.figures.jobs for row in figures.breakdown(
        everything(), Dimension.INTAKE
    )}  # fmt: skip
    assert per_intake == {intake.pk: 3, second.pk: 5}
    # Both intakes of a program among others: computed once per firm too.
    factories.IntakeFactory()
    both = Scope(Intake.objects.filter(pk__in=[intake.pk, second.pk]))
    assert figures.headline(both).jobs == 5
    assert figures.headline(everything(), Basis.REPORTED).jobs == 5


# --- 4. Kept figures follow a host moved to another market ---------------------------------


def test_the_kept_market_chart_follows_a_host_moved_to_another_market(intake, manager, partner):
    placements = firms_at(intake, manager, partner, [("DE", 2)])
    host = placements[0].host
    host.market = factories.ForeignMarketFactory(country="BR")
    programs_services.save_host(host, sectors=list(host.sectors.all()))
    (_kept, chart, _y), (_live, live_chart, _ly) = kept_and_live()
    assert chart == live_chart == [("Brazil", Decimal("2000.00"))]


# --- 5. Drill-downs list what their figure counts ------------------------------------------


def test_the_reported_figures_leave_out_a_rejected_reports_opportunity(report, owner, manager):
    deal(report, owner, value=Money(1_000_000, "CAD"), stage="won", closed_on=day(-1))
    services.save_report(report, by=owner, version=None, narrative="Done.")
    services.submit_report(report, by=owner)
    services.reject_report(report, by=manager, reason="Not credible")
    reported = figures.headline(everything(), Basis.REPORTED)
    assert (reported.opportunities, reported.deals_won, reported.value_won) == (
        0,
        0,
        Decimal("0.00"),
    )
    assert not figures.opportunities(everything(), Basis.REPORTED).exists()


def test_a_rejected_reports_change_to_a_deal_does_not_count_as_reported(reports, owner, manager):
    found = deal(reports["end-of-stay"], owner)
    hand_in(reports["end-of-stay"], owner, manager)
    three = reports["3-months"]
    services.save_opportunity(three, by=owner, opportunity=found, value=Money(9000, "CAD"))
    services.save_report(three, by=owner, version=None, narrative="Done.")
    services.submit_report(three, by=owner)
    services.reject_report(three, by=manager, reason="Not credible")
    assert figures.headline(everything(), Basis.REPORTED).value_identified == Decimal("1000.00")


def test_the_not_known_row_links_to_its_own_records(client, intake, manager, partner):
    firms_at(intake, manager, partner, [("DE", 2)])
    host = factories.DeskOfferFactory(intake=intake, host__market__country="DE").host
    host.partner_staff.add(partner)
    staying = placed(accepted_offer(intake, host, starts_on=day(-10), ends_on=day(40)), partner)
    placements_services.log_arrival(staying, by=partner, on=day(-5))
    client.force_login(manager)
    page = client.get(reverse("outcomes:figures"), {"by": "year", "basis": "verified"})
    rows = {row.label: drill for row, drill in page.context["rows"]}
    assert "year=none" in rows["Not known"]
    records = client.get(reverse("outcomes:figure_records", args=["companies"]) + "?"
                         + rows["Not known"])  # fmt: skip
    assert [record.pk for record in records.context["records"]] == [staying.pk]
    # The filters beside it still hold (the basis), and the year of the others still works.
    assert records.context["basis"] == "verified"
    year = str(day(0).year)
    others = client.get(reverse("outcomes:figure_records", args=["companies"]) + "?" + rows[year])
    assert others.context["page"].paginator.count == 2


def test_the_cost_of_a_market_drills_down_to_each_costs_share(client, intake, manager, partner):
    firms_at(intake, manager, partner, [("DE", 1), ("BR", 1)])
    for amount in (1000, 333):
        services.add_program_cost(
            intake, by=manager, description="Event", amount=Money(amount, "CAD"), on=day(-5)
        )
    client.force_login(manager)
    shown = client.get(reverse("outcomes:figures"), {"market": "DE"}).context["shown"].cost
    page = client.get(reverse("outcomes:figure_records", args=["cost"]), {"market": "DE"})
    counted = sorted(record.counted_amount for record in page.context["records"])
    assert shown == Decimal("666.50")
    assert counted == [Decimal("166.50"), Decimal("500.00")]
    assert sum(counted) == shown
    assert "amount for its whole intake" in page.content.decode()
    download = client.get(
        reverse("outcomes:figure_records", args=["cost"]), {"market": "DE", "format": "csv"}
    )
    csv = b"".join(download.streaming_content).decode()
    assert "Counted here" in csv and "500.00" in csv
    # Whole intakes: each cost counts whole.
    whole = client.get(reverse("outcomes:figure_records", args=["cost"]))
    assert sorted(r.counted_amount for r in whole.context["records"]) == [
        Decimal("333.00"),
        Decimal("1000.00"),
    ]
    assert "amount for its whole intake" not in whole.content.decode()


def test_the_companies_drill_down_says_it_lists_placements_of_fewer_firms(
    client, intake, manager, partner, host
):
    firm = factories.CompanyFactory(name="Twice")
    second = second_intake(intake, host)
    for where in (intake, second):
        ended_placement(accepted_offer(where, host, firm, starts_on=day(-10), ends_on=day(40)),
                        partner)  # fmt: skip
    client.force_login(manager)
    shown = client.get(reverse("outcomes:figures")).context["shown"].companies
    page = client.get(reverse("outcomes:figure_records", args=["companies"]))
    assert (shown, page.context["firms"], page.context["page"].paginator.count) == (1, 1, 2)
    assert "2 placements of 1 firm" in " ".join(page.content.decode().split())


# --- 6. Payments no rate converts are named on the figures page -----------------------------


def test_the_figures_page_warns_of_payments_no_rate_converts(client, ended, manager):
    from placements import stipends

    award = stipends.propose_award(ended, by=manager, amount=Money(4000, "CAD"))
    award = stipends.award_stipend(award, by=manager)
    advance = award.tranches.order_by("position").first()
    stipends.approve_tranche(advance, by=manager)
    stipends.pay_tranche(advance, by=manager, paid_on=day(0), reference="T")
    # The advance (CAD 2,000) was paid in euros, on a day no rate is recorded for.
    award.tranches.update(amount_currency="EUR")
    services.refresh_figures()  # the currency was changed around the services
    manager_of_program = factories.ProgramStaffFactory(
        program=ended.intake.program, role=StaffRole.MANAGER
    ).user
    assert figures.headline(everything()).cost == Decimal("0.00")
    # Kept with the cost (the page reads 40 intakes' rows, not every payment), and as the
    # payments say (computed, on the reported basis).
    assert figures.payments_left_out(everything()) == [
        figures.LeftOut(Money(Decimal("2000.00"), "EUR"), 1)
    ]
    assert figures.payments_left_out(everything(), Basis.REPORTED) == figures.payments_left_out(
        everything()
    )
    client.force_login(manager_of_program)
    page = client.get(reverse("outcomes:figures"))
    text = " ".join(page.content.decode().split())
    assert "leaves out these payments" in text
    assert "in 1 payment" in text
    # None left out: no warning.
    award.tranches.update(amount_currency="CAD")
    services.refresh_figures()
    page = client.get(reverse("outcomes:figures"))
    assert page.context["left_out"] == []
    assert "leaves out these payments" not in page.content.decode()


def test_a_firm_placed_twice_with_no_year_yet_counts_its_jobs_once_in_the_not_known_row(
    intake, host, partner, manager
):
    """The year breakdown's "Not known" row (stays with no departure yet): a firm's later
    report there is found too (= never matched NULL, so each stay's report was the firm's
    latest and its jobs counted twice, 8 against the overview's 5)."""
    from placements.models import Placement

    firm = factories.CompanyFactory(name="Twice", employees=10)
    owner = factories.CompanyMemberFactory(company=firm).user
    second = second_intake(intake, host)
    for where, employees in ((intake, 13), (second, 15)):
        offer = accepted_offer(where, host, firm, starts_on=day(-10), ends_on=day(40))
        report = services.schedule_reports(ended_placement(offer, partner))[0]
        hand_in(report, owner, manager, employees_home=employees)
    Placement.objects.filter(company=firm).update(departed_on=None, status="in-residence")

    rows = figures.live_breakdown(everything(), Dimension.YEAR)

    assert figures.live_overview(everything())[0].jobs == 5
    assert {row.group: row.figures.jobs for row in rows} == {None: 5}
