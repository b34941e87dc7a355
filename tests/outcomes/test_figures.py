"""The figures of a small program, worked out by hand.

Intake A, two firms placed (a third cancelled):
- Maple (finance, 10 employees before) at a Berlin host (DE). End-of-stay report, verified:
  O1 EUR 1,000 identified (CAD 1,500 at 1.5), O2 CAD 2,000 won, O3 CAD 9,999 unrelated
  (never counted), first sale in DE, 11 + 1 employees (jobs +2), CAD 500 investment.
  3-months report, submitted only: O1 now won at EUR 2,000 (CAD 3,000), 13 employees,
  CAD 800 investment.
- Cedar (IT, 5 employees before) at a São Paulo host (BR). End-of-stay report, verified:
  O4 BRL 4,000 in negotiation (CAD 1,000 at 0.25), its value marked unverified; registration
  in BR; 5 employees (jobs 0). A 3-months report, submitted only: O5 CAD 700 identified.
- Other program costs: CAD 1,000 + CAD 500.

Verified: 2 companies, 2 markets, 3 opportunities worth 1,500 + 2,000 = 3,500 (O4's value
unverified), 1 deal won worth 2,000, 2 jobs, 500 investment, cost 1,500, ROI 3,500 / 1,500.
Reported: 4 opportunities worth 3,000 + 2,000 + 1,000 + 700 = 6,700, 2 won worth 5,000,
jobs (13 - 10) + 0 = 3, investment 800.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from djmoney.money import Money

from outcomes import figures, services
from outcomes.enums import Basis, Dimension
from outcomes.figures import Figures, Scope
from placements import services as placements_services
from programs.models import Intake
from tests import factories
from tests.outcomes.conftest import accepted_offer, day, ended_placement, placed, rate

pytestmark = pytest.mark.django_db


def opportunity(report, by, organisation, value, **changes):
    data = {
        "organisation": organisation,
        "country": "DE",
        "kind": "sales-contract",
        "value": value,
        "stage": "identified",
        "identified_on": day(-2),
        "attribution": "decisive",
    } | changes
    return services.save_opportunity(report, by=by, **data)


def submit(report, by, **fields):
    services.save_report(report, by=by, version=None, narrative="Done.", **fields)
    return services.submit_report(report, by=by)


@pytest.fixture
def program(intake, manager, partner):
    rate("EUR", "CAD", day(-400), "1.5")
    rate("BRL", "CAD", day(-400), "0.25")
    berlin = factories.DeskOfferFactory(
        intake=intake, host__name="Berlin Hub", host__market__country="DE", desks=2
    ).host
    sao_paulo = factories.DeskOfferFactory(
        intake=intake, host__name="São Paulo Hub", host__market__country="BR", desks=1
    ).host
    for host in (berlin, sao_paulo):
        host.partner_staff.add(partner)
    maple = factories.CompanyFactory(name="Maple", employees=10, sector=factories.sector("finance"))
    cedar = factories.CompanyFactory(name="Cedar", employees=5, sector=factories.sector("it"))
    birch = factories.CompanyFactory(name="Birch", employees=3, sector=factories.sector("it"))
    owner = factories.UserFactory()
    for firm in (maple, cedar):
        factories.CompanyMemberFactory(company=firm, user=owner)

    def stay(host, firm):
        offer = accepted_offer(intake, host, firm, starts_on=day(-10), ends_on=day(40))
        placement = ended_placement(offer, partner)
        return {r.kind: r for r in services.schedule_reports(placement)}

    first = stay(berlin, maple)
    opportunity(first["end-of-stay"], owner, "O1", Money(1000, "EUR"))
    o2 = opportunity(first["end-of-stay"], owner, "O2", Money(2000, "CAD"))
    o2 = services.save_opportunity(
        first["end-of-stay"], by=owner, opportunity=o2, stage="won", closed_on=day(-1)
    )
    opportunity(first["end-of-stay"], owner, "O3", Money(9999, "CAD"), attribution="unrelated")
    services.record_market_entry(
        first["end-of-stay"], by=owner, country="DE", kind="first-sale", on=day(-1)
    )
    submit(
        first["end-of-stay"],
        owner,
        employees_home=11,
        employees_abroad=1,
        investment=Money(500, "CAD"),
    )
    services.verify_report(first["end-of-stay"], by=manager)
    o1 = first["end-of-stay"].updates.get(opportunity__organisation="O1").opportunity
    services.save_opportunity(
        first["3-months"], by=owner, opportunity=o1, stage="won", closed_on=day(0),
        value=Money(2000, "EUR"),
    )  # fmt: skip
    submit(first["3-months"], owner, employees_home=13, investment=Money(800, "CAD"))

    second = stay(sao_paulo, cedar)
    o4 = opportunity(
        second["end-of-stay"], owner, "O4", Money(4000, "BRL"), country="BR", stage="negotiation"
    )
    services.record_market_entry(
        second["end-of-stay"], by=owner, country="BR", kind="registration", on=day(-1)
    )
    submit(second["end-of-stay"], owner, employees_home=5)
    services.verify_report(second["end-of-stay"], by=manager)
    services.mark_value_unverified(o4, by=manager, reason="No letter of intent seen")
    opportunity(second["3-months"], owner, "O5", Money(700, "CAD"), country="BR")
    submit(second["3-months"], owner)

    cancelled = placed(accepted_offer(intake, berlin, birch, starts_on=day(-10), ends_on=day(40)),
                       partner)  # fmt: skip
    placements_services.cancel_placement(cancelled, by=partner, reason="no-show")
    services.add_program_cost(
        intake, by=manager, description="Launch event", amount=Money(1000, "CAD"), on=day(-5)
    )
    services.add_program_cost(
        intake, by=manager, description="Staff travel", amount=Money(500, "CAD"), on=day(-5)
    )
    return {"berlin": berlin, "sao_paulo": sao_paulo, "maple": maple, "cedar": cedar}


def everything():
    return Scope(Intake.objects.all())


def test_the_verified_headline_figures_are_those_worked_out_by_hand(program):
    found = figures.headline(everything())
    assert found == Figures(
        companies=2,
        markets=2,
        opportunities=3,
        value_identified=Decimal("3500.00"),
        deals_won=1,
        value_won=Decimal("2000.00"),
        jobs=2,
        investment=Decimal("500.00"),
        cost=Decimal("1500.00"),
    )
    assert found.roi == Decimal("2.3")


def test_the_reported_figures_read_what_firms_last_entered(program):
    found = figures.headline(everything(), Basis.REPORTED)
    assert found == Figures(
        companies=2,
        markets=2,
        opportunities=4,
        value_identified=Decimal("6700.00"),
        deals_won=2,
        value_won=Decimal("5000.00"),
        jobs=3,
        investment=Decimal("800.00"),
        cost=Decimal("1500.00"),
    )


def test_by_market_the_cost_is_shared_among_the_intakes_placed_firms(program):
    rows = figures.breakdown(everything(), Dimension.MARKET)
    assert [(row.group, row.label, row.figures, row.figures.roi) for row in rows] == [
        (
            "BR",
            "Brazil",
            Figures(1, 1, 1, Decimal("0.00"), 0, Decimal("0.00"), 0, Decimal("0.00"),
                    Decimal("750.00")),
            Decimal("0.0"),
        ),
        (
            "DE",
            "Germany",
            Figures(1, 1, 2, Decimal("3500.00"), 1, Decimal("2000.00"), 2, Decimal("500.00"),
                    Decimal("750.00")),
            Decimal("4.7"),
        ),
    ]  # fmt: skip


def test_by_sector_host_intake_and_year(program, intake):
    sectors = figures.breakdown(everything(), Dimension.SECTOR)
    assert [
        (row.label, row.figures.companies, row.figures.value_identified) for row in sectors
    ] == [
        ("Finance", 1, Decimal("3500.00")),
        ("Information technology", 1, Decimal("0.00")),
    ]
    hosts = figures.breakdown(everything(), Dimension.HOST)
    assert [(row.label, row.figures.opportunities) for row in hosts] == [
        ("Berlin Hub", 2),
        ("São Paulo Hub", 1),
    ]
    intakes = figures.breakdown(everything(), Dimension.INTAKE)
    assert [(row.label, row.figures.cost, row.figures.roi) for row in intakes] == [
        (intake.title, Decimal("1500.00"), Decimal("2.3"))
    ]
    years = figures.breakdown(everything(), Dimension.YEAR)
    assert [(row.group, row.figures.deals_won) for row in years] == [(day(0).year, 1)]


def test_a_narrower_scope_shares_the_cost_too(program):
    found = figures.headline(Scope(Intake.objects.all(), market="DE"))
    assert (found.companies, found.value_identified, found.cost) == (
        1,
        Decimal("3500.00"),
        Decimal("750.00"),
    )


def test_each_figure_drills_down_to_its_records(program):
    scope = everything()
    assert sorted(figures.placed(scope).values_list("company__name", flat=True)) == [
        "Cedar",
        "Maple",
    ]
    assert sorted(figures.market_entries(scope).values_list("country", flat=True)) == ["BR", "DE"]
    assert sorted(
        figures.opportunities(scope).values_list("organisation", "counted_stage", "counted_value")
    ) == [
        ("O1", "identified", Decimal("1500.00")),
        ("O2", "won", Decimal("2000.00")),
        ("O4", "negotiation", None),
    ]
    assert list(figures.won(scope).values_list("organisation", flat=True)) == ["O2"]
    assert sorted(
        figures.job_reports(scope).values_list(
            "placement__company__name", "kind", "employees", "baseline"
        )
    ) == [("Cedar", "end-of-stay", 5, 5), ("Maple", "end-of-stay", 12, 10)]
    assert sorted(figures.costs(scope).values_list("amount_converted", flat=True)) == [
        Decimal("500.00"),
        Decimal("1000.00"),
    ]


def test_value_over_time_by_year_identified(program):
    assert figures.by_year_identified(everything()) == [
        (day(-2).year, Decimal("3500.00"), Decimal("2000.00"))
    ]


def test_a_program_the_reader_does_not_manage_is_not_counted(program):
    assert figures.headline(Scope(Intake.objects.none())) == Figures()


def test_the_breakdown_runs_a_fixed_number_of_queries(program):
    counts, live = {}, {}
    for dimension in [None, *Dimension.values]:
        with CaptureQueriesContext(connection) as queries:
            figures.breakdown(everything(), dimension)
        counts[dimension] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            figures.live_breakdown(everything(), dimension)
        live[dimension] = len(queries)
    # Computed: one query per table (jobs and investment each their own, so that each is one
    # hash anti-join on PostgreSQL) and one for the cost: the payments (stipends and desk
    # invoices paid) and the other costs in one UNION ALL; in a breakdown that shares the
    # other costs out, they are read apart, with two more queries to share them.
    assert live == {None: 6, "intake": 6, "market": 9, "sector": 9, "host": 9, "year": 9}
    # The program and per intake: the kept rows of its one intake, in one query.
    assert counts == {None: 1, "intake": 1, "market": 9, "sector": 9, "host": 9, "year": 9}


@pytest.fixture
def payments(program, intake, manager):
    """Stipends paid and desk invoices paid on top of the program:
    - Maple's award CAD 4,000: its advance CAD 2,000 paid (the balance waits, not counted);
    - Cedar's award CAD 1,000: its advance CAD 500 approved, not paid (not counted);
    - desk invoices per placement: the Berlin Hub charges EUR 45.50 a day, Maple used 11 days
      (day -10 to day 0): EUR 500.50, paid on day 0 at the rate recorded for it (1.5):
      CAD 750.75; São Paulo's desk is CAD 20 a day, 11 days: CAD 220.00, drawn but not paid.
    Program cost: 2,000 + 750.75 + 1,500 = 4,250.75; ROI 3,500 / 4,250.75 = 0.8.
    By market: DE 2,000 + 750.75 + 750 = 3,500.75 (ROI 1.0); BR 750.00 (ROI 0.0)."""
    from placements import desk_invoices, stipends
    from placements.models import Placement

    program["berlin"].desk_cost_per_day = Money("45.50", "EUR")
    program["berlin"].save()
    program["sao_paulo"].desk_cost_per_day = Money("20.00", "CAD")
    program["sao_paulo"].save()
    Intake.objects.filter(pk=intake.pk).update(desk_invoicing="per-placement")
    maple = Placement.objects.get(company=program["maple"])
    cedar = Placement.objects.get(company=program["cedar"])
    for placement, amount, pay in ((maple, 4000, True), (cedar, 1000, False)):
        award = stipends.propose_award(placement, by=manager, amount=Money(amount, "CAD"))
        award = stipends.award_stipend(award, by=manager)
        advance = award.tranches.order_by("position").first()
        stipends.approve_tranche(advance, by=manager)
        if pay:
            stipends.pay_tranche(advance, by=manager, paid_on=day(0), reference="T-1")
    desk_invoices.generate_desk_invoices(Intake.objects.get(pk=intake.pk), today=day(1))
    berlin = maple.desk_invoices.get()
    desk_invoices.send_desk_invoice(berlin, by=manager)
    desk_invoices.confirm_desk_invoice(berlin, by=manager)
    desk_invoices.pay_desk_invoice(berlin, by=manager, paid_on=day(0), reference="D-1")
    return program


def test_the_program_cost_is_stipends_paid_desk_invoices_paid_and_other_costs(payments):
    found = figures.headline(everything())
    assert found.cost == Decimal("4250.75")
    assert found.value_identified == Decimal("3500.00")
    assert found.roi == Decimal("0.8")
    parts = {source.__name__: source(everything(), None) for source in figures.COST_SOURCES}
    assert parts == {
        "other_program_costs": {0: Decimal("1500.00")},
        "payments_paid": {0: Decimal("2750.75")},
    }


def test_by_market_each_payment_counts_where_its_stay_was(payments):
    rows = figures.breakdown(everything(), Dimension.MARKET)
    assert [(row.group, row.figures.cost, row.figures.roi) for row in rows] == [
        ("BR", Decimal("750.00"), Decimal("0.0")),
        ("DE", Decimal("3500.75"), Decimal("1.0")),
    ]


def test_a_payment_in_a_currency_with_no_rate_for_its_day_is_left_out(payments):
    from placements.models import ExchangeRate

    ExchangeRate.objects.filter(base="EUR").update(on=day(1))  # recorded after the payment
    services.refresh_figures()  # the rate was moved around the services
    assert figures.headline(everything()).cost == Decimal("3500.00")
    assert figures.live_breakdown(everything())[0].figures.cost == Decimal("3500.00")


def test_the_cost_drills_down_to_the_payments_behind_it(payments):
    assert list(figures.payments(everything())) == [
        ("desk", "Maple", day(0), Decimal("500.50"), "EUR"),
        ("tranche", "Maple", day(0), Decimal("2000.00"), "CAD"),
    ]


def test_the_payments_page_lists_them(payments, client, manager):
    from django.urls import reverse

    client.force_login(manager)
    page = client.get(reverse("outcomes:figure_records", args=["payments"])).content.decode()
    assert "2 records" in page
    assert "Host desk invoice" in page and "Stipend tranche" in page


def test_the_overview_is_the_headline_with_the_charts_series_in_five_queries(payments):
    counts = {}
    for basis in Basis.values:
        with CaptureQueriesContext(connection) as queries:
            found, by_market, by_year = figures.overview(everything(), basis)
        counts[basis] = len(queries)
        assert found == figures.headline(everything(), basis)
        assert (found, by_market, by_year) == figures.live_overview(everything(), basis)
    # Computed (reported): six (jobs and investment apart), and two to find the rate of the
    # day the desk invoice in euros was paid. Kept (verified): the intake's row, its cells.
    assert counts == {Basis.VERIFIED: 2, Basis.REPORTED: 8}
    found, by_market, by_year = figures.overview(everything())
    assert by_market == [("Brazil", Decimal("0.00")), ("Germany", Decimal("3500.00"))]
    assert by_year == figures.by_year_identified(everything())


def test_the_figures_page_shows_the_reported_values_beside_when_asked(payments, client, manager):
    from django.urls import reverse

    client.force_login(manager)
    page = client.get(reverse("outcomes:figures"), {"compare": "on"})
    assert page.context["shown"].value_identified == Decimal("3500.00")
    assert page.context["beside"].value_identified == Decimal("6700.00")
    assert "Reported values" in page.content.decode()


def test_the_figures_page_headline_is_the_one_worked_out_by_hand(program, client, manager):
    from django.urls import reverse

    client.force_login(manager)
    page = client.get(reverse("outcomes:figures"))
    assert page.context["shown"] == Figures(
        companies=2,
        markets=2,
        opportunities=3,
        value_identified=Decimal("3500.00"),
        deals_won=1,
        value_won=Decimal("2000.00"),
        jobs=2,
        investment=Decimal("500.00"),
        cost=Decimal("1500.00"),
    )
    assert page.context["shown"].roi == Decimal("2.3")


def test_the_kept_figures_are_the_computed_ones(program, intake):
    from outcomes.models import IntakeFigureCell, IntakeFigures, IntakeMarket

    kept = IntakeFigures.objects.get(intake=intake)
    assert (kept.present, kept.companies, kept.markets, kept.opportunities,
            kept.value_identified, kept.deals_won, kept.value_won, kept.jobs, kept.investment,
            kept.cost) == (True, 2, 2, 3, Decimal("3500.00"), 1, Decimal("2000.00"), 2,
                           Decimal("500.00"), Decimal("1500.00"))  # fmt: skip
    assert sorted(
        IntakeFigureCell.objects.values_list(
            "market", "year", "opportunities", "value_identified", "deals_won", "value_won"
        )
    ) == [
        ("BR", day(-2).year, 1, Decimal("0.00"), 0, Decimal("0.00")),
        ("DE", day(-2).year, 2, Decimal("3500.00"), 1, Decimal("2000.00")),
    ]
    assert sorted(IntakeMarket.objects.values_list("country", flat=True)) == ["BR", "DE"]
    for dimension in (None, Dimension.INTAKE):
        assert figures.kept_breakdown(everything(), dimension) == figures.live_breakdown(
            everything(), dimension
        )


def test_a_narrowed_scope_or_the_reported_basis_is_computed(program):
    assert not figures.reads_kept(Scope(Intake.objects.all(), market="DE"), Basis.VERIFIED)
    assert not figures.reads_kept(everything(), Basis.REPORTED)
    assert not figures.reads_kept(everything(), Basis.VERIFIED, Dimension.MARKET)
    assert figures.reads_kept(everything(), Basis.VERIFIED, Dimension.INTAKE)
    narrowed = figures.headline(Scope(Intake.objects.all(), market="DE"))
    assert (narrowed.companies, narrowed.opportunities, narrowed.cost) == (
        1, 2, Decimal("750.00"),
    )  # fmt: skip


def test_the_opportunities_drill_down_counts_from_the_kept_figure(program, client, manager):
    from django.urls import reverse

    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("outcomes:figure_records", args=["opportunities"]))
    assert page.context["page"].paginator.count == 3
    assert [record.organisation for record in page.context["records"]] == ["O1", "O2", "O4"]
    assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
    narrowed = client.get(
        reverse("outcomes:figure_records", args=["opportunities"]), {"market": "DE"}
    )
    assert narrowed.context["page"].paginator.count == 2


def test_another_cost_shared_by_market_adds_up_to_the_headline(intake, manager, partner):
    """CAD 100 shared by three firms in three markets: 33.34, 33.33 and 33.33 (each rounded
    on its own, 33.33 three times, 99.99 against a headline of 100.00)."""
    for country in ("DE", "BR", "FR"):
        host = factories.DeskOfferFactory(intake=intake, host__market__country=country).host
        host.partner_staff.add(partner)
        offer = accepted_offer(intake, host, starts_on=day(-10), ends_on=day(40))
        ended_placement(offer, partner)
    services.add_program_cost(
        intake, by=manager, description="Launch", amount=Money(100, "CAD"), on=day(-5)
    )
    rows = figures.breakdown(everything(), Dimension.MARKET)
    assert {row.group: row.figures.cost for row in rows} == {
        "BR": Decimal("33.34"), "DE": Decimal("33.33"), "FR": Decimal("33.33")
    }  # fmt: skip
    assert figures.headline(everything()).cost == Decimal("100.00")


def test_shares_in_cents_go_to_the_largest_remainders():
    shares = {"a": Decimal("10.004"), "b": Decimal("10.006"), "c": Decimal("9.99")}
    assert figures.in_cents(shares) == {
        "a": Decimal("10.00"), "b": Decimal("10.01"), "c": Decimal("9.99")
    }  # fmt: skip
    assert figures.in_cents({}) == {}
