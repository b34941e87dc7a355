"""Demo outcomes (seed_demo, after placements): the summer round's ended stays get their
reports, at every stage, and the firms' opportunities at every stage in five currencies
(CAD, EUR, INR, AED, BRL, converted at the demo's rates), so the figures page shows figures
shaped like the reference program's (a value identified some thirty times the program's
cost: "more than $30 million in new business and investment opportunities - a return on
investment of greater than 30 to 1").

- Northwind (Spree, Berlin; left 60 days ago): end-of-stay report verified (two introductions
  confirmed, a deal won, one lost, a first customer in Germany); its 3-months report handed in
  early, waiting for verification.
- Prairie Ledger (Bandra, Mumbai; left 40 days ago): end-of-stay report handed in, and the
  manager asked a question about it (changes requested); its 3-months report is due.
- Harbourline (Bandra; cut short 70 days ago): end-of-stay report overdue past the grace
  period, flagged to the manager by the reminders.
Other program costs for the round, and one desk invoice paid, complete the program cost.
"""

import datetime

from django.utils import timezone
from djmoney.money import Money

from outcomes import reminders, services
from outcomes.enums import ReportKind
from placements import desk_invoices
from placements.enums import DeskInvoiceStatus, EntryKind
from placements.models import DeskInvoice


def seed(run):
    today = timezone.localdate()
    placements = run.objects["placements"]
    manager = run.users["manager"]
    scheduled = {
        slug: {r.kind: r for r in services.schedule_reports(placements[slug], by=manager)}
        for slug in ("northwind", "prairieledger", "harbourline")
    }
    run.objects["outcome_reports"] = scheduled
    northwind(run, scheduled["northwind"], today)
    prairie_ledger(run, scheduled["prairieledger"], today)
    costs(run, today)
    # Harbourline's end-of-stay report is past the grace period: the managers are told.
    reminders.remind_reports(today)


def _opportunity(report, owner, opportunity=None, **data):
    return services.save_opportunity(report, by=owner, opportunity=opportunity, **data)


def _introduction(placement, organisation):
    return placement.entries.get(kind=EntryKind.INTRODUCTION, organisation=organisation)


def northwind(run, reports, today):
    owner, manager = run.users["owner_northwind"], run.users["manager"]
    placement = run.objects["placements"]["northwind"]
    report = reports[ReportKind.END_OF_STAY]
    day = placement.starts_on
    hanseatic = services.confirm_introduction(
        report, _introduction(placement, "Hanseatic Logistics GmbH"), by=owner
    )
    hanseatic = _opportunity(
        report, owner, hanseatic, value=Money(240_000, "EUR"), stage="negotiation",
        expected_on=today + datetime.timedelta(days=60),
    )  # fmt: skip
    rhein = services.confirm_introduction(
        report, _introduction(placement, "Rhein Capital"), by=owner
    )
    _opportunity(report, owner, rhein, value=Money(150_000, "EUR"))
    _opportunity(
        report, owner, organisation="Hamburg Port Services", country="DE",
        kind="sales-contract", value=Money(120_000, "EUR"), stage="won",
        identified_on=day + datetime.timedelta(days=15),
        closed_on=day + datetime.timedelta(days=40), attribution="decisive",
    )  # fmt: skip
    _opportunity(
        report, owner, organisation="Gulf Cargo LLC", country="AE", kind="distribution",
        value=Money(400_000, "AED"), stage="identified",
        identified_on=day + datetime.timedelta(days=30), attribution="contributed",
    )  # fmt: skip
    _opportunity(
        report, owner, organisation="Bavaria Parcel AG", country="DE", kind="sales-contract",
        value=Money(80_000, "CAD"), stage="lost", identified_on=day + datetime.timedelta(days=8),
        closed_on=day + datetime.timedelta(days=45), attribution="contributed",
    )  # fmt: skip
    services.record_market_entry(
        report, by=owner, country="DE", kind="first-customer",
        on=day + datetime.timedelta(days=40),
    )  # fmt: skip
    services.save_report(
        report, by=owner, version=None, employees_home=14, employees_abroad=2,
        investment=Money(150_000, "EUR"), total_revenue=Money(2_400_000, "CAD"),
        revenue_from_market=Money(60_000, "EUR"), useful_host=5, useful_mentors=4,
        useful_services=4, useful_stipend=3,
        narrative="Berlin gave us our first German customer and a distributor in talks.",
    )  # fmt: skip
    services.submit_report(report, by=owner)
    services.verify_report(report, by=manager, note="Checked against the signed contract.")
    # The 3-months report, handed in early: the Hanseatic deal won, a lead in Brazil.
    later = reports[ReportKind.MONTHS_3]
    _opportunity(later, owner, hanseatic, stage="won", closed_on=today)
    _opportunity(
        later, owner, organisation="Rota Sul Transportes", country="BR", kind="sales-contract",
        value=Money(500_000, "BRL"), stage="identified", identified_on=today,
        attribution="contributed",
    )  # fmt: skip
    services.save_report(
        later, by=owner, version=None, employees_home=15, employees_abroad=3,
        narrative="The Hanseatic contract is signed; a Brazilian carrier asked for a pilot.",
    )  # fmt: skip
    services.submit_report(later, by=owner)


def prairie_ledger(run, reports, today):
    owner, manager = run.users["owner_prairieledger"], run.users["manager"]
    placement = run.objects["placements"]["prairieledger"]
    report = reports[ReportKind.END_OF_STAY]
    konkan = services.confirm_introduction(
        report, _introduction(placement, "Konkan Freight Pvt. Ltd."), by=owner
    )
    _opportunity(report, owner, konkan, value=Money(12_000_000, "INR"), stage="negotiation")
    services.record_market_entry(
        report, by=owner, country="IN", kind="registration",
        on=placement.starts_on + datetime.timedelta(days=50),
    )  # fmt: skip
    services.save_report(
        report, by=owner, version=None, employees_home=8, employees_abroad=1,
        narrative="A Mumbai freight firm wants our ledger for its carriers.",
    )  # fmt: skip
    services.submit_report(report, by=owner)
    services.request_changes(
        report,
        by=manager,
        question="Where does the INR 12 million value come from: a quote, or a letter of intent?",
    )


def costs(run, today):
    manager = run.users["manager"]
    summer = run.objects["intakes"]["summer"]
    for description, amount, days_ago in [
        ("Launch event and partner visits", 6_500, 150),
        ("Program staff time for the round", 14_000, 30),
    ]:
        services.add_program_cost(
            summer, by=manager, description=description, amount=Money(amount, "CAD"),
            on=today - datetime.timedelta(days=days_ago),
        )  # fmt: skip
    invoice = (
        DeskInvoice.objects.filter(intake=summer, status=DeskInvoiceStatus.DRAFT)
        .order_by("period_start", "pk")
        .first()
    )
    if invoice is not None:
        desk_invoices.send_desk_invoice(invoice, by=manager)
        desk_invoices.confirm_desk_invoice(invoice, by=manager)
        desk_invoices.pay_desk_invoice(
            invoice, by=manager, paid_on=today, reference="DEMO-DESK-0001"
        )
