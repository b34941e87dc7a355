"""A large program for bench_outcomes: intakes of ended stays, every stay with its four reports,
opportunities (their updates in verified reports), market entries, stipend tranches paid,
desk invoices paid and other costs. Written with bulk_create: a fill is seconds, not hours.

A placement has at most four reports (one per kind), so 100,000 reports are 25,000 stays:
the 5,000 firms each stayed five times, in five of the 40 intakes.
"""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone
from djmoney.money import Money

from applications.enums import ApplicationStatus, MemberRole, OfferStatus, RunStage, RunStatus
from applications.models import Application, Company, CompanyMember, Offer, SelectionRun
from outcomes import services
from outcomes.enums import FOLLOW_UPS, Attribution, EntryType, ReportKind, ReportStatus, Stage
from outcomes.models import (
    MarketEntry,
    Opportunity,
    OpportunityUpdate,
    OutcomeReport,
    ProgramCost,
)
from placements.enums import DeskInvoiceStatus, PlacementStatus, TrancheName, TrancheStatus
from placements.models import (
    DeskInvoice,
    DeskInvoiceLine,
    Placement,
    StipendAward,
    Tranche,
)
from programs import services as programs_services
from programs.enums import StaffRole
from programs.models import HostIncubator, Intake, Program, ProgramStaff, Sector

KINDS = [ReportKind.END_OF_STAY, *(kind for kind, _field in FOLLOW_UPS)]
# Of every four reports: verified, verified, submitted, due.
STATUSES = [ReportStatus.VERIFIED, ReportStatus.VERIFIED, ReportStatus.SUBMITTED, ReportStatus.DUE]
STAGES = [Stage.IDENTIFIED, Stage.NEGOTIATION, Stage.WON, Stage.LOST]
MARKETS = ["BR", "DE", "IN", "SA", "AE"]
BATCH = 5000


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def fill(*, reports=100_000, intakes=40, firms=5_000):
    """The program; returns {"manager": user, "intakes": [...]}."""
    stays = reports // len(KINDS)
    programs_services.ensure_sectors()
    sectors = list(Sector.objects.all())
    markets = [programs_services.create_market(country=code) for code in MARKETS]
    hosts = [
        HostIncubator.objects.create(
            name=f"Host {n}", market=markets[n % len(markets)], city="City", desk_capacity=50
        )
        for n in range(20)
    ]
    User = get_user_model()
    manager = User.objects.create_user(email="manager@bench.example")
    program = Program.objects.create(name="Bench program", slug="bench-outcomes")
    ProgramStaff.objects.create(program=program, user=manager, role=StaffRole.MANAGER)
    now = timezone.now()
    today = timezone.localdate()
    intake_rows = _bulk(
        Intake,
        [
            Intake(
                program=program,
                title=f"Intake {n:02d}",
                opens_at=now - datetime.timedelta(days=900 - n * 10),
                closes_at=now - datetime.timedelta(days=870 - n * 10),
                placement_starts_on=today - datetime.timedelta(days=800 - n * 10),
                placement_ends_on=today - datetime.timedelta(days=700 - n * 10),
                published_at=now - datetime.timedelta(days=900),
            )
            for n in range(intakes)
        ],
    )
    runs = _bulk(
        SelectionRun,
        [
            SelectionRun(
                intake=intake, number=1, started_by=manager, status=RunStatus.DONE,
                stage=RunStage.DONE, progress=100, finished_at=now,
            )
            for intake in intake_rows
        ],
    )  # fmt: skip
    users = _bulk(User, [User(email=f"owner{n}@bench.example", password="!") for n in range(firms)])
    companies = _bulk(
        Company,
        [
            Company(name=f"Firm {n:05d} Inc.", country="CA", sector=sectors[n % len(sectors)],
                    employees=10 + n % 40)
            for n in range(firms)
        ],
    )  # fmt: skip
    _bulk(
        CompanyMember,
        [
            CompanyMember(company=company, user=user, role=MemberRole.OWNER)
            for company, user in zip(companies, users, strict=True)
        ],
    )

    # Stay s: firm s % firms, in an intake shifted by one at each round of the firms (a
    # firm's stays are in different intakes while it has no more stays than there are
    # intakes; the firm's number plus the round, so any number of firms works).
    def intake_of(s):
        return (s % firms + s // firms) % intakes

    plan = [
        (companies[s % firms], intake_rows[intake_of(s)], runs[intake_of(s)],
         hosts[s % len(hosts)])
        for s in range(stays)
    ]  # fmt: skip
    applications = _bulk(
        Application,
        [
            Application(company=company, intake=intake, status=ApplicationStatus.ACCEPTED,
                        created_by=manager, submitted_at=now)
            for company, intake, _run, _host in plan
        ],
    )  # fmt: skip
    offers = _bulk(
        Offer,
        [
            Offer(application=application, intake=intake, host=host, run=run, stipend=3000,
                  status=OfferStatus.ACCEPTED, answered_at=now)
            for application, (_company, intake, run, host) in zip(applications, plan, strict=True)
        ],
    )  # fmt: skip
    placements = _bulk(
        Placement,
        [
            Placement(
                offer=offer, company=company, intake=intake, host=host,
                starts_on=intake.placement_starts_on, ends_on=intake.placement_ends_on,
                arrived_on=intake.placement_starts_on, departed_on=intake.placement_ends_on,
                status=PlacementStatus.COMPLETED, confirmed_by=manager,
            )
            for offer, (company, intake, _run, host) in zip(offers, plan, strict=True)
        ],
    )  # fmt: skip
    report_rows = _bulk(
        OutcomeReport,
        [
            OutcomeReport(
                placement=placement, kind=kind, status=status,
                due_on=placement.departed_on + datetime.timedelta(days=90 * k + 14),
                employees_home=placement.company.employees + k,
                employees_abroad=k,
                investment=Money(1000 * k, "CAD"), investment_converted=1000 * k,
                narrative="Bench.",
            )
            for placement in placements
            for k, (kind, status) in enumerate(zip(KINDS, STATUSES, strict=True))
        ],
    )  # fmt: skip
    by_placement = {}
    for report in report_rows:
        by_placement.setdefault(report.placement_id, []).append(report)
    # Two opportunities a stay; each mentioned in the stay's first two (verified) reports.
    opportunities = _bulk(
        Opportunity,
        [
            Opportunity(
                placement=placement, company=placement.company,
                organisation=f"Counterpart {placement.pk}-{n}",
                country=MARKETS[(placement.pk + n) % len(MARKETS)],
                kind="sales-contract", value=Money(50_000 + 1000 * n, "CAD"),
                value_converted=50_000 + 1000 * n, rate=1, rate_date=placement.departed_on,
                stage=STAGES[(placement.pk + n) % len(STAGES)],
                identified_on=placement.departed_on,
                closed_on=placement.departed_on if (placement.pk + n) % 4 >= 2 else None,
                attribution=Attribution.DECISIVE,
            )
            for placement in placements
            for n in range(2)
        ],
    )  # fmt: skip
    _bulk(
        OpportunityUpdate,
        [
            OpportunityUpdate(
                report=report, opportunity=opportunity, stage=opportunity.stage,
                value=opportunity.value, value_converted=opportunity.value_converted,
                closed_on=opportunity.closed_on,
            )
            for opportunity in opportunities
            for report in by_placement[opportunity.placement_id][:2]
        ],
    )  # fmt: skip
    _bulk(
        MarketEntry,
        [
            MarketEntry(
                report=by_placement[placement.pk][0], placement=placement,
                country=placement.host.market.country, kind=EntryType.FIRST_CUSTOMER,
                on=placement.departed_on,
            )
            for placement in placements
        ],
    )  # fmt: skip
    _costs(manager, intake_rows, placements)
    # Verification keeps these in its transaction; rows written in bulk get them here.
    services.refill_latest_values()
    return {"manager": manager, "intakes": intake_rows}


def filled():
    """The world of a database ``fill`` already filled (bench_outcomes --reuse)."""
    from django.core.management.base import CommandError

    manager = get_user_model().objects.filter(email="manager@bench.example").first()
    if manager is None:
        raise CommandError("This database was not filled by bench_outcomes.")
    return {
        "manager": manager,
        "intakes": list(Intake.objects.filter(program__slug="bench-outcomes")),
    }


def _costs(manager, intakes, placements):
    awards = _bulk(
        StipendAward,
        [
            StipendAward(placement=placement, intake=placement.intake, company=placement.company,
                         amount=Money(3000, "CAD"), status="awarded", created_by=manager)
            for placement in placements
        ],
    )  # fmt: skip
    _bulk(
        Tranche,
        [
            Tranche(award=award, position=1, label_code=TrancheName.ADVANCE,
                    amount=Money(1500, "CAD"), condition="arrival", status=TrancheStatus.PAID,
                    paid_on=award.placement.departed_on)
            for award in awards
        ],
    )  # fmt: skip
    invoices = _bulk(
        DeskInvoice,
        [
            DeskInvoice(
                intake=placement.intake, host=placement.host, placement=placement,
                period_start=placement.arrived_on, period_end=placement.departed_on,
                days=100, total=Money(2000, "CAD"), status=DeskInvoiceStatus.PAID,
                paid_on=placement.departed_on, payment_reference=f"B-{placement.pk}",
            )
            for placement in placements
        ],
    )  # fmt: skip
    _bulk(
        DeskInvoiceLine,
        [
            DeskInvoiceLine(
                invoice=invoice, placement=invoice.placement, first_day=invoice.period_start,
                last_day=invoice.period_end, days=100, day_cost=Money(20, "CAD"),
                amount=Money(2000, "CAD"),
            )
            for invoice in invoices
        ],
    )  # fmt: skip
    _bulk(
        ProgramCost,
        [
            ProgramCost(intake=intake, description=f"Event {n}", amount=Money(5000, "CAD"),
                        amount_converted=5000, on=intake.placement_ends_on, entered_by=manager)
            for intake, n in itertools.product(intakes, range(2))
        ],
    )  # fmt: skip


def pages(world):
    """(label, user, url) of the pages timed: the program's figures, and one drill-down."""
    from django.urls import reverse

    manager = world["manager"]
    return [
        ("figures: the whole program", manager, reverse("outcomes:figures")),
        (
            "figures: opportunities (drill-down)",
            manager,
            reverse("outcomes:figure_records", args=["opportunities"]),
        ),
    ]
