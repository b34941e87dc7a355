"""Placements and money for ``manage.py bench_pages`` (settings.BENCH_EXTENSIONS): past
rounds of the bench program, their stays at the bench hosts, awards, claims and desk invoices.

The applications' filler (applications.bench) builds the world: one open intake with the
applications, its hosts, manager and host partner. This one adds one placement for every ten
applications, in past intakes of the same program of at most ROUND placements each (the desks
of the ten hosts bound what one intake places: five desks, three stays a desk), so an
intake's pages (the board, the ledger) hold one round's records at every size, and the pages
across rounds (the manager's placements, the partner's workspace) hold the whole history.
"""

import datetime
import math

from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from applications import services as applications_services
from applications.enums import ApplicationStatus, OfferStatus
from applications.models import Application, Company, Offer, SelectionRun
from placements.enums import (
    AwardStatus,
    ClaimStatus,
    DeskInvoiceStatus,
    PlacementStatus,
    TrancheCondition,
    TrancheName,
    TrancheStatus,
)
from placements.models import DeskInvoice, ExpenseClaim, Placement, StipendAward, Tranche
from programs.models import DeskOffer, HostIncubator, Intake

ROUND = 150
DESKS = 5
STAY_DAYS = 55
SLOT_DAYS = 60
WAITING = 10  # accepted offers of the latest round still waiting for the host
P, A, T, C, D = PlacementStatus, AwardStatus, TrancheStatus, ClaimStatus, DeskInvoiceStatus


def fill(world, size):
    """Add ``size // 10`` placements (at least ROUND) to the world, with their money."""
    companies = list(Company.objects.order_by("pk")[: max(ROUND, size // 10) + WAITING])
    # A small world (the tests' fills) has fewer firms than a round: one placement each.
    total = max(1, min(max(ROUND, size // 10), len(companies) - WAITING))
    rounds = math.ceil(total / ROUND)
    hosts = list(HostIncubator.objects.order_by("pk"))
    today = timezone.localdate()
    intakes = []
    for number in range(rounds):
        # The latest round (number 0) runs now; each earlier one 200 days before the next.
        starts = today - datetime.timedelta(days=60 + 200 * number)
        count = min(ROUND, total - number * ROUND)
        share = companies[number * ROUND : number * ROUND + count]
        waiting = companies[total : total + WAITING] if number == 0 else []
        intake = _round(world, number, starts, hosts, share, waiting, today)
        intakes.append(intake)
    world["placements_intake"] = intakes[0]
    return world


def _round(world, number, starts, hosts, companies, waiting, today):
    manager = world["manager"]
    now = timezone.now()
    opens = now - datetime.timedelta(days=(today - starts).days + 120)
    intake = Intake.objects.create(
        program=world["program"],
        title=f"Bench round {number + 1}",
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
        placement_starts_on=starts,
        placement_ends_on=starts + datetime.timedelta(days=3 * SLOT_DAYS),
        published_at=opens,
        stipend_budget=Money(4000 * ROUND, "CAD"),
    )
    DeskOffer.objects.bulk_create(
        DeskOffer(intake=intake, host=host, desks=DESKS) for host in hosts
    )
    run = SelectionRun.objects.create(intake=intake, number=1, started_by=manager)
    everyone = [*companies, *waiting]
    applications = Application.objects.bulk_create(
        Application(
            company=company,
            intake=intake,
            status=ApplicationStatus.ACCEPTED,
            created_by=manager,
            updated_by=manager,
            submitted_at=opens + datetime.timedelta(days=1),
            proposed_start=starts,
            proposed_end=starts + datetime.timedelta(days=STAY_DAYS),
            objectives=["first-customers"],
            budget_total=Money(2500, "CAD"),
        )
        for company in everyone
    )
    applications_services.recount_statuses(intake.pk)
    offers = Offer.objects.bulk_create(
        Offer(
            application=application,
            intake=intake,
            host=hosts[n % len(hosts)],
            run=run,
            stipend=4000,
            status=OfferStatus.ACCEPTED,
        )
        for n, application in enumerate(applications)
    )
    placements = Placement.objects.bulk_create(
        _placement(offer, n, len(hosts), starts, today, number, intake, manager)
        for n, offer in enumerate(offers[: len(companies)])
    )
    _money(intake, placements, manager, today)
    _desk_invoices(intake, hosts, starts, today)
    applications_services.recount_work(intake.pk)
    return intake


def _placement(offer, n, host_count, starts, today, number, intake, manager):
    """The n-th stay of a round: its host by n, then a desk and one of three slots of the
    window; in the latest round the first slot is over, the second in residence and the
    third to come; in the earlier rounds every stay is over."""
    place = n // host_count
    desk, slot = place % DESKS, place // DESKS % 3
    start = starts + datetime.timedelta(days=slot * SLOT_DAYS)
    end = start + datetime.timedelta(days=STAY_DAYS)
    fields = {"status": P.COMPLETED, "arrived_on": start, "departed_on": end}
    if number == 0 and slot == 1:
        # Every fourth one has not been checked in with for two weeks: overdue.
        due = today - datetime.timedelta(days=14 if n % 4 == 0 else -3)
        fields = {"status": P.IN_RESIDENCE, "arrived_on": start, "check_in_due_on": due}
    elif number == 0 and slot == 2:
        fields = {"status": P.SCHEDULED}
    elif n % 25 == 0:
        fields = {"status": P.CUT_SHORT, "arrived_on": start,
                  "departed_on": start + datetime.timedelta(days=20)}  # fmt: skip
    return Placement(
        offer=offer,
        company_id=offer.application.company_id,
        intake=intake,
        host_id=offer.host_id,
        desk=f"Desk {desk + 1}",
        starts_on=start,
        ends_on=end,
        desk_until=fields.get("departed_on", end),
        confirmed_by=manager,
        **fields,
    )


def _money(intake, placements, manager, today):
    """An award of 4,000 for each stay, two tranches (the advance paid once arrived), and one
    expense claim each, in turn submitted, approved and paid."""
    cad = lambda amount: Money(amount, "CAD")  # noqa: E731
    claimed = [C.SUBMITTED, C.APPROVED, C.PAID]
    awards = StipendAward.objects.bulk_create(
        StipendAward(
            placement=placement,
            intake=intake,
            company_id=placement.company_id,
            amount=cad(4000),
            approved_total=cad(0 if claimed[n % 3] == C.SUBMITTED else 600),
            status=A.AWARDED,
            created_by=manager,
        )
        for n, placement in enumerate(placements)
    )
    tranches = []
    for award, placement in zip(awards, placements, strict=True):
        arrived = placement.arrived_on is not None
        tranches += [
            Tranche(award=award, position=1, label_code=TrancheName.ADVANCE, amount=cad(2000),
                    condition=TrancheCondition.ARRIVAL,
                    status=T.PAID if arrived else T.WAITING,
                    paid_on=placement.arrived_on, reference="BENCH" if arrived else ""),
            Tranche(award=award, position=2, label_code=TrancheName.BALANCE, amount=cad(2000),
                    condition=TrancheCondition.REPORT_VERIFIED),
        ]  # fmt: skip
    Tranche.objects.bulk_create(tranches)
    ExpenseClaim.objects.bulk_create(
        ExpenseClaim(
            award=award,
            status=claimed[n % 3],
            total=cad(600),
            approved_total=cad(0 if claimed[n % 3] == C.SUBMITTED else 600),
            submitted_at=timezone.now(),
            paid_on=today if claimed[n % 3] == C.PAID else None,
            reference="BENCH" if claimed[n % 3] == C.PAID else "",
            created_by=manager,
        )
        for n, award in enumerate(awards)
    )


def _desk_invoices(intake, hosts, starts, today):
    """Each host's monthly invoices for the round's months gone by: paid, the last sent."""
    months = []
    month = starts.replace(day=1)
    while month < today.replace(day=1) and len(months) < 6:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    DeskInvoice.objects.bulk_create(
        DeskInvoice(
            intake=intake,
            host=host,
            period_start=first,
            period_end=(first + datetime.timedelta(days=32)).replace(day=1)
            - datetime.timedelta(days=1),
            days=60,
            total=Money(1800, "CAD"),
            status=D.SENT if first == months[-1] else D.PAID,
            paid_on=None if first == months[-1] else today,
            payment_reference="" if first == months[-1] else "BENCH",
        )
        for host in hosts
        for first in months
    )


def pages(world):
    """(label, user or None, url) for the placements and money pages."""
    manager, partner = world["manager"], world["partner"]
    intake = world["placements_intake"]
    workspace = reverse("placements:partner_workspace")
    placements = reverse("placements:program_list", args=[world["program"].pk])
    ledger = reverse("money:ledger", args=[intake.pk])
    return [
        ("Partner: placements in residence", partner, f"{workspace}?tab=residence"),
        ("Partner: placements gone", partner, f"{workspace}?tab=gone"),
        ("Partner: placements, check-in overdue", partner, f"{workspace}?tab=overdue"),
        ("Manager: a program's placements", manager, placements),
        ("Manager: placements, check-in overdue", manager,
         f"{placements}?attention=check-in-overdue"),
        ("Manager: placements board", manager, reverse("placements:board", args=[intake.pk])),
        ("Manager: ledger", manager, ledger),
        ("Manager: ledger, expense claims", manager, f"{ledger}?list=claims"),
    ]  # fmt: skip
