"""Demo stays: the summer round, closed and running, its accepted firms placed at Spree
(Berlin) and Bandra (Mumbai) so every state shows: two stays completed with full logs
(introductions, services, mentors, check-ins), one in residence, one cut short, one
cancelled before arrival and one accepted offer still waiting for its host. The winter
round's accepted firm, Rideau, has its desk and dates confirmed by Spree's partner."""

import datetime

from django.utils import timezone
from djmoney.money import Money

from applications import services as application_services
from applications.enums import ApplicationStatus, OfferStatus, RunStage, RunStatus
from applications.models import Application, ApplicationEvent, Offer, SelectionRun
from placements import services
from placements.demo_money import seed_desk_invoices, seed_rates
from placements.demo_stipends import seed_money
from placements.enums import CancelReason, EntryKind, IntroductionKind, ServiceType
from programs import services as program_services

# company slug, host slug, planned start and end (days from today), what became of the stay
SUMMER_STAYS = [
    ("northwind", "spree", -118, -60, "completed"),
    ("prairieledger", "bandra", -110, -40, "completed"),
    ("cedarstone", "spree", -30, 25, "in-residence"),
    ("harbourline", "bandra", -100, -20, "cut-short"),
    ("borealhealth", "spree", -50, 20, "cancelled"),
    ("maplepixel", "bandra", None, None, "waiting"),
]


def seed(run):
    today = timezone.localdate()
    seed_rates(run)
    summer = summer_round(run, today)
    offers = [(accepted_offer(run, summer, slug, host_slug), *rest)
              for slug, host_slug, *rest in SUMMER_STAYS]  # fmt: skip
    # Its applications are written with the states they reached, not through the services:
    # the managers' lists count them from the rows (they listed none).
    application_services.recount_statuses(summer.pk)
    application_services.recount_filters(summer.pk)
    for (offer, start, end, fate), (slug, host_slug, *_rest) in zip(
        offers, SUMMER_STAYS, strict=True
    ):
        if fate == "waiting":
            continue
        partner = run.users[f"partner_{host_slug}"]
        placement = services.confirm_placement(
            offer,
            by=partner,
            desk=f"Desk {len(run.objects.setdefault('placements', {})) + 1}",
            starts_on=today + datetime.timedelta(days=start),
            ends_on=today + datetime.timedelta(days=end),
        )
        run.objects["placements"][slug] = placement
        live(placement, partner, run, fate=fate, today=today)
    winter_placement(run, today)
    # After the stays: stipends and claims for them, and desk invoices drawn from them.
    seed_money(run, list(run.objects["placements"].values()))
    seed_desk_invoices(run)


def summer_round(run, today):
    """The summer round, opened, closed and selected months ago, as the seed's services
    cannot date their own steps: its rows are written with the dates it had."""
    markets, hosts = run.objects["markets"], run.objects["hosts"]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    summer = program_services.create_intake(
        run.objects["program"],
        by=run.users["manager"],
        title="Summer 2026 outbound: Berlin and Mumbai",
        summary="The first round: desks in Berlin and Mumbai for Canadian service firms.",
        markets=[markets["DE"], markets["IN"]],
        opens_at=now - datetime.timedelta(days=200),
        closes_at=now - datetime.timedelta(days=170),
        placement_starts_on=today - datetime.timedelta(days=120),
        placement_ends_on=today + datetime.timedelta(days=30),
        stipend_budget=Money(24000, "CAD"),
        min_years_operating=3,
        allowed_home_countries=["CA"],
    )
    program_services.set_desk_offers(summer, offers=[(hosts["spree"], 3), (hosts["bandra"], 3)])
    selected = now - datetime.timedelta(days=150)
    type(summer).objects.filter(pk=summer.pk).update(
        published_at=now - datetime.timedelta(days=210),
        selection_started_at=selected,
        slate_confirmed_at=selected,
        decisions_released_at=selected,
    )
    summer.refresh_from_db()
    run.objects["intakes"]["summer"] = summer
    run.objects["summer_run"] = SelectionRun.objects.create(
        intake=summer,
        number=1,
        started_by=run.users["manager"],
        status=RunStatus.DONE,
        stage=RunStage.DONE,
        progress=100,
        finished_at=selected,
    )
    return summer


def accepted_offer(run, intake, slug, host_slug):
    company = run.objects["companies"][slug]
    owner = run.users[f"owner_{slug}"]
    submitted = intake.closes_at - datetime.timedelta(days=3)
    application = Application.objects.create(
        company=company,
        intake=intake,
        status=ApplicationStatus.ACCEPTED,
        created_by=owner,
        objectives_detail="Meet buyers and a distribution partner in the market.",
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=submitted)
    ApplicationEvent.objects.create(
        application=application,
        actor=owner,
        from_status=ApplicationStatus.OFFERED,
        to_status=ApplicationStatus.ACCEPTED,
        note="Accepted in the summer round.",
    )
    return Offer.objects.create(
        application=application,
        intake=intake,
        host=run.objects["hosts"][host_slug],
        run=run.objects["summer_run"],
        stipend=3500,
        status=OfferStatus.ACCEPTED,
        answered_at=intake.slate_confirmed_at + datetime.timedelta(days=2),
        answered_by=owner,
    )


def _day(today, placement_day, offset):
    return placement_day + datetime.timedelta(days=offset) if placement_day else today


def live(placement, partner, run, *, fate, today):
    """Arrival, the host's log and the end of the stay, as the partner and manager wrote them."""
    start = placement.starts_on
    manager = run.users["manager"]
    if fate == "cancelled":
        services.cancel_placement(
            placement,
            by=manager,
            reason=CancelReason.VISA_REFUSED,
            note="The consulate refused the business visa; the firm may apply again.",
        )
        return
    services.log_arrival(placement, by=partner, on=start, note="Welcomed at reception.")
    berlin = placement.host_id == run.objects["hosts"]["spree"].pk
    mentor_name, country = ("Jonas Weber", "DE") if berlin else ("Meera Kapoor", "IN")
    customer = "Hanseatic Logistics GmbH" if berlin else "Konkan Freight Pvt. Ltd."
    investor = "Rhein Capital" if berlin else "Sahyadri Angels"
    mentor = {"mentor": mentor_name, "expertise": "B2B sales in the market", "languages": "English"}
    legal = {"service": ServiceType.LEGAL, "provided_by": "Kanzlei Roth", "hours": 4}
    immersion = {"service": ServiceType.IMMERSION, "provided_by": "A language school", "hours": 12}
    buyer = {
        "organisation": customer,
        "country": country,
        "introduction_kind": IntroductionKind.CUSTOMER,
        "hoped_outcome": "A pilot project this year.",
    }
    funder = {
        "organisation": investor,
        "country": country,
        "introduction_kind": IntroductionKind.INVESTOR,
        "hoped_outcome": "Advice on a local subsidiary.",
    }
    log = [
        (EntryKind.MENTOR, 1, mentor),
        (EntryKind.CHECK_IN, 7, {"note": "Settled in; first meetings booked."}),
        (EntryKind.SERVICE, 10, legal | {"note": "Contract templates reviewed."}),
        (EntryKind.INTRODUCTION, 12, buyer),
        (EntryKind.CHECK_IN, 14, {"note": "Two pilots in discussion."}),
        (EntryKind.SERVICE, 18, immersion),
        (EntryKind.INTRODUCTION, 20, funder),
        (EntryKind.CHECK_IN, 21, {"note": "Pitch rehearsed with the mentor.", "staff_only": True}),
    ]
    for kind, offset, fields in log:
        on = start + datetime.timedelta(days=offset)
        if on > today:
            break
        entry = services.add_log_entry(placement, by=partner, kind=kind, on=on, **fields)
        if kind == EntryKind.CHECK_IN and offset == 7:
            # The firm answers the first check-in (what went well, what it needs).
            member = placement.company.members.order_by("pk").first()
            if member is not None:
                services.answer_check_in(
                    entry,
                    by=member.user,
                    went_well="The desk, the team's welcome and two meetings already booked.",
                    needs="An introduction to a distributor.",
                )
    if fate == "completed":
        services.add_log_entry(
            placement,
            by=partner,
            kind=EntryKind.SERVICE,
            on=placement.ends_on - datetime.timedelta(days=5),
            service=ServiceType.EXPORT_FINANCING,
            provided_by="Export Development Canada",
            hours=2,
        )
        services.log_departure(placement, by=partner, on=placement.ends_on, note="All went well.")
    elif fate == "cut-short":
        services.add_log_entry(
            placement,
            by=partner,
            kind=EntryKind.CONCERN,
            on=start + datetime.timedelta(days=25),
            note="The founder's father is ill; the firm may leave early.",
            staff_only=True,
        )
        services.cut_short(
            placement,
            by=manager,
            on=start + datetime.timedelta(days=30),
            reason="A family emergency called the founder home.",
        )


def winter_placement(run, today):
    """Spree's partner confirms Rideau's desk and dates in the winter round."""
    offer = Offer.objects.get(intake=run.objects["intakes"]["winter"], status=OfferStatus.ACCEPTED)
    starts = offer.intake.placement_starts_on + datetime.timedelta(days=7)
    run.objects.setdefault("placements", {})["rideau"] = services.confirm_placement(
        offer,
        by=run.users["partner_spree"],
        desk="Desk 12",
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=75),
    )
