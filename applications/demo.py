"""Demo applicant companies, their members, applications across the open intakes, the
review stage of the outbound intake (screening, reviewers, reviews, the shortlist), and the
winter round before it taken through selection: a run, a confirmed slate, decisions sent,
one offer accepted and one declined with the seat gone to the waitlist."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from djmoney.money import Money

from applications import services
from applications.enums import (
    ApplicationStatus,
    BudgetCategory,
    DocumentKind,
    HostFit,
    MemberRole,
    Recommendation,
)
from applications.models import Application, Offer, Review
from portal.demo import demo_email
from programs import services as program_services
from programs.enums import StaffRole
from programs.models import Sector

# slug, legal name, country, city, sector, founded, employees, revenue, owner, staff
COMPANIES = [
    ("northwind", "Northwind Engineering Inc.", "CA", "Waterloo", "engineering", 2009, 45,
     Money(6_200_000, "CAD"), "Marc Gagnon", "Julie Roy"),
    ("maplepixel", "Maple Pixel Studios Ltd.", "CA", "Montréal", "digital-media", 2014, 18,
     Money(2_100_000, "CAD"), "Emily Chen", None),
    ("prairieledger", "Prairie Ledger Accounting LLP", "CA", "Calgary", "accounting", 2006, 32,
     Money(4_800_000, "CAD"), "Daniel Okafor", None),
    ("bandrafin", "Bandra FinServ Analytics Pvt. Ltd.", "IN", "Mumbai", "finance", 2015, 60,
     Money(95_000_000, "INR"), "Aarav Mehta", "Kavya Iyer"),
    ("koramangala", "Koramangala Code Works Pvt. Ltd.", "IN", "Bengaluru", "it", 2018, 25,
     Money(40_000_000, "INR"), "Rohan Desai", None),
    ("harbourline", "Harbourline Software Inc.", "CA", "Halifax", "it", 2012, 28,
     Money(3_400_000, "CAD"), "Olivia MacLeod", None),
    ("cedarstone", "Cedar & Stone Architects Inc.", "CA", "Vancouver", "architecture", 2008, 22,
     Money(2_900_000, "CAD"), "Graham Wong", None),
    # Too small for the outbound intake: screening finds it ineligible.
    ("tidewater", "Tidewater Robotics Ltd.", "CA", "Dartmouth", "engineering", 2019, 3,
     Money(320_000, "CAD"), "Noah Fraser", None),
    # Has not said how many people it employs: screening leaves it to the manager.
    ("borealhealth", "Boreal Health Records Inc.", "CA", "Winnipeg", "health", 2011, None,
     Money(1_700_000, "CAD"), "Amelia Sinclair", None),
    # Applied to the winter round only, and took its place in Berlin.
    ("rideau", "Rideau Payments Inc.", "CA", "Ottawa", "finance", 2010, 38,
     Money(5_400_000, "CAD"), "Sophie Lavoie", None),
]  # fmt: skip

# The smallest well-formed PDF: the demo's pitch decks are placeholders.
PLACEHOLDER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(run):
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    companies = {}
    for (
        slug,
        name,
        country,
        city,
        sector,
        founded,
        staff_count,
        revenue,
        owner_name,
        staff_name,
    ) in COMPANIES:
        owner = run.make_user(
            f"owner_{slug}",
            email=demo_email("owner", organisation=slug),
            full_name=owner_name,
            role=f"Applicant owner ({name})",
        )
        company = services.register_company(
            owner,
            name=name,
            country=country,
            city=city,
            sector=sectors[sector],
            year_founded=founded,
            employees=staff_count,
            annual_revenue=revenue,
            offering=f"{name.split(' ')[0]} sells professional services to mid-size clients.",
            paying_customers=40,
            proof="Recurring contracts with established clients; references on request.",
        )
        if staff_name:
            staff = run.make_user(
                f"staff_{slug}",
                email=demo_email("staff", organisation=slug),
                full_name=staff_name,
                role=f"Applicant staff ({name})",
            )
            services.add_company_member(company, user=staff, role=MemberRole.STAFF)
        companies[slug] = (company, owner)
    run.objects["companies"] = {slug: company for slug, (company, _) in companies.items()}

    intakes = run.objects["intakes"]
    submit(companies["northwind"], intakes["outbound"], ["isar", "riyadh"], run)
    submit(companies["prairieledger"], intakes["outbound"], ["bandra", "dubaicreek"], run)
    draft(companies["maplepixel"], intakes["outbound"], ["spree"], run)
    submit(companies["bandrafin"], intakes["inbound"], ["toronto", "waterloo"], run)
    draft(companies["koramangala"], intakes["inbound"], ["waterloo"], run)
    submit(companies["harbourline"], intakes["outbound"], ["spree", "koramangala"], run)
    submit(companies["cedarstone"], intakes["outbound"], ["bandra", "isar"], run)
    submit(companies["tidewater"], intakes["outbound"], ["spree"], run)
    submit(companies["borealhealth"], intakes["outbound"], ["riyadh", "isar"], run)
    seed_reviews(run)
    seed_selection(run)


def draft(company_and_owner, intake, host_slugs, run):
    company, owner = company_and_owner
    hosts = run.objects["hosts"]
    application = services.start_application(company, intake, by=owner)
    application = services.set_host_preferences(
        application,
        by=owner,
        version=application.version,
        hosts=[hosts[slug] for slug in host_slugs],
    )
    start = intake.placement_starts_on + datetime.timedelta(days=14)
    return services.save_draft(
        application,
        by=owner,
        version=application.version,
        proposed_start=start,
        proposed_end=start + datetime.timedelta(days=75),
        objectives=["first-customers", "partners"],
        potential_market=f"Mid-size clients of {company.sector} services near the host.",
    )


def submit(company_and_owner, intake, host_slugs, run):
    company, owner = company_and_owner
    application = draft(company_and_owner, intake, host_slugs, run)
    application = services.save_draft(
        application,
        by=owner,
        version=application.version,
        proven_product="Forty paying clients at home and repeat contracts for five years.",
        why_this_market="Demand for our services is growing fast there.",
        export_readiness="An export plan, a bilingual sales lead and a budget for a year.",
        travellers="The founder and the head of sales.",
    )
    home = "CAD" if company.country.code == "CA" else "INR"
    flights = Money(1800, "CAD") if home == "CAD" else Money(90000, "INR")
    application = services.set_budget(
        application,
        by=owner,
        version=application.version,
        lines=[
            (BudgetCategory.TRAVEL, "Return flights", flights),
            (BudgetCategory.ACCOMMODATION, "Furnished flat near the host", Money(1500, "CAD")),
            (BudgetCategory.ADMINISTRATION, "Visa and insurance", Money(400, "CAD")),
        ],
    )
    upload = ContentFile(PLACEHOLDER_PDF, name="pitch-deck.pdf")
    services.add_document(application, by=owner, kind=DocumentKind.PITCH_DECK, upload=upload)
    return services.submit_application(application, by=owner)


# The review stage ------------------------------------------------------------------------

# Each outbound firm's merit on the intake's rubric, out of 5 and in the rubric's order
# (potential market, proven product, export readiness, management capacity, host-market
# fit); None where reviewers cannot judge a criterion and mark it "not applicable".
MERIT = {
    "harbourline": [5, 5, 4, 4, 5],
    "northwind": [4, 5, 4, 4, 4],
    "cedarstone": [4, 4, 4, 4, 3],
    "prairieledger": [3, 4, 3, 3, 3],
    "borealhealth": [3, 3, 2, 3, None],
}
ASSESSMENT = {
    "harbourline": "Named prospects in Berlin's fintech scene and a product that sells at home.",
    "northwind": "A proven engineering firm with references; the Munich plan names three "
    "prospects.",
    "cedarstone": "A strong practice at home; the case for Mumbai rests on a single contact.",
    "prairieledger": "A solid firm, but the plan for India is generic.",
    "borealhealth": "A credible product. Host-market fit not scored: the plan does not say "
    "which of its two hosts' networks it would use.",
}
# How each reviewer marks against a firm's merit: the harsh one a point under it, the
# lenient one a point over (calibration is on, so both count alike), and what they add.
MANNER = {
    "reviewer_harsh": (-1, "I would want letters of intent before scoring higher."),
    "reviewer_lenient": (+1, "A motivated team; the gaps can be closed with the host."),
    "reviewer_industry": (0, ""),
}
# The one review still to come, so the dashboard shows an application part-reviewed.
PENDING = ("borealhealth", "reviewer_harsh")
SHORTLIST = ["harbourline", "northwind", "cedarstone"]


def seed_reviews(run):
    """The outbound intake reviewed: every submission screened, reviewers assigned (one
    conflict declared and replaced), reviews in and scored, a shortlist and host-fit
    opinions. The inbound intake has its reviewers assigned and its reviews still to do."""
    manager = run.users["manager"]
    intakes = run.objects["intakes"]
    for application in Application.objects.filter(status=ApplicationStatus.SUBMITTED):
        services.screen_application(application)
    # Screening leaves to a person a rule the company's profile gives no fact for.
    for application in Application.objects.filter(status=ApplicationStatus.SCREENING):
        services.override_screening(
            application,
            by=manager,
            eligible=True,
            reason="The owner confirmed on a call the facts the profile leaves blank; "
            "they meet the intake's rules.",
        )

    outbound = program_services.update_review_settings(
        intakes["outbound"],
        by=manager,
        reviews_due_at=intakes["outbound"].closes_at + datetime.timedelta(days=14),
        calibrate_scores=True,
    )
    inbound = program_services.update_review_settings(
        intakes["inbound"],
        by=manager,
        reviews_due_at=intakes["inbound"].closes_at + datetime.timedelta(days=14),
    )
    # An industry volunteer and a partner at Prairie Ledger: assignment keeps him away from
    # his own firm, whose team shares his email domain.
    industry = run.make_user(
        "reviewer_industry",
        email=demo_email("lucas.martin", organisation="prairieledger"),
        full_name="Lucas Martin",
        role="Reviewer (partner at Prairie Ledger)",
    )
    program_services.grant_program_role(
        run.objects["program"], user=industry, role=StaffRole.REVIEWER
    )
    services.assign_reviewers(outbound, by=manager)
    services.assign_reviewers(inbound, by=manager)

    companies = run.objects["companies"]
    applications = {
        slug: Application.objects.get(company=companies[slug], intake=outbound) for slug in MERIT
    }
    lenient = run.users["reviewer_lenient"]
    conflict = services.declare_conflict(
        applications["cedarstone"].reviews.get(reviewer=lenient),
        by=lenient,
        reason="I advised Cedar & Stone on a bid in São Paulo two years ago.",
    )
    services.assign_reviewer(applications["cedarstone"], conflict.replacement, by=manager)

    write_reviews(outbound, applications, run, merit=MERIT, assessment=ASSESSMENT, pending=PENDING)
    services.refresh_scores(outbound)

    services.shortlist(
        [applications[slug] for slug in SHORTLIST],
        by=manager,
        note="The best three after calibration.",
    )
    hosts = run.objects["hosts"]
    services.give_host_fit(
        Application.objects.get(pk=applications["harbourline"].pk),
        hosts["spree"],
        by=run.users["partner_spree"],
        opinion=HostFit.GOOD,
        note="Two of our fintech members are looking for exactly this kind of software.",
    )
    services.give_host_fit(
        Application.objects.get(pk=applications["cedarstone"].pk),
        hosts["bandra"],
        by=run.users["partner_bandra"],
        opinion=HostFit.NOT_A_FIT,
        note="Our network is finance, legal and IT; we know no developers to introduce them to.",
    )


def write_reviews(intake, applications, run, *, merit, assessment, pending=None):
    """Each assigned review of the intake, marked in its reviewer's manner."""
    reviewer_keys = {user.pk: key for key, user in run.users.items()}
    slugs = {application.pk: slug for slug, application in applications.items()}
    criteria = list(intake.criteria.all())
    for review in Review.objects.filter(intake=intake).order_by("pk"):
        slug, key = slugs[review.application_id], reviewer_keys[review.reviewer_id]
        if (slug, key) == pending:
            continue
        shift, remark = MANNER[key]
        marks = [
            None if mark is None else min(max(mark + shift, 1), criterion.scale_max)
            for criterion, mark in zip(criteria, merit[slug], strict=True)
        ]
        services.save_review(
            review,
            by=run.users[key],
            values={c.pk: mark for c, mark in zip(criteria, marks, strict=True)},
            comment=f"{assessment[slug]} {remark}",
            recommendation=recommendation_for(marks),
        )


def recommendation_for(marks):
    given = [mark for mark in marks if mark is not None]
    average = sum(given) / len(given)
    if average >= 4:
        return Recommendation.SUPPORT
    if average >= 3:
        return Recommendation.UNSURE
    return Recommendation.OPPOSE


# The selection stage -----------------------------------------------------------------------

# The round before Spring, small enough to follow at a glance: two desks, four firms on the
# shortlist. Each firm with its hosts, best first.
WINTER_APPLICANTS = [
    ("rideau", ["spree"]),
    ("harbourline", ["koramangala", "spree"]),
    ("maplepixel", ["spree", "koramangala"]),
    ("tidewater", ["spree"]),
]
# Maple Pixel draws the lenient reviewer and Harbourline the harsh one, so their raw means
# rank Maple Pixel first; the round calibrates, which puts Harbourline ahead on merit.
WINTER_MERIT = {
    "rideau": [5, 5, 4, 5, 5],
    "harbourline": [5, 4, 4, 4, 4],
    "maplepixel": [4, 4, 3, 3, 4],
    "tidewater": [3, 4, 3, 3, 2],
}
WINTER_ASSESSMENT = {
    "rideau": "Payments software that sells at home, and two Berlin banks asking for a pilot.",
    "harbourline": "A strong product, and a reseller in Bengaluru ready to introduce them.",
    "maplepixel": "A good studio with a clear plan; its sales team is thin for a stay abroad.",
    "tidewater": "Clever robotics, but the plan names no customers near the host.",
}
DECLINE_REASON = (
    "Our lead engineer cannot travel before spring; we have applied to the Spring round."
)


def seed_selection(run):
    """The winter round from call to answers: applications in and reviewed after it closed,
    a shortlist of four for two desks, Spree's opinions, one selection run, the slate
    confirmed and the decisions sent. Rideau accepts Berlin; Harbourline declines Bengaluru
    and the seat goes to Maple Pixel, first on the waitlist, whose offer is still open."""
    manager = run.users["manager"]
    winter = open_winter_round(run)
    companies = run.objects["companies"]
    for slug, host_slugs in WINTER_APPLICANTS:
        submit((companies[slug], run.users[f"owner_{slug}"]), winter, host_slugs, run)
    # Services stamp the real time, so the round closes as the seed runs, after its last
    # submission: an earlier close would show every submission as late.
    winter = program_services.update_intake(
        winter,
        by=manager,
        reason="Every company has submitted; the round closes early.",
        markets=list(winter.markets.all()),
        sectors=list(winter.sectors.all()),
        closes_at=timezone.now(),
    )
    applications = {
        slug: Application.objects.get(company=companies[slug], intake=winter)
        for slug, _hosts in WINTER_APPLICANTS
    }
    for application in applications.values():
        services.screen_application(application)
    winter = program_services.update_review_settings(
        winter,
        by=manager,
        reviews_due_at=winter.closes_at + datetime.timedelta(days=14),
        calibrate_scores=True,
    )
    services.assign_reviewers(winter, by=manager)
    write_reviews(winter, applications, run, merit=WINTER_MERIT, assessment=WINTER_ASSESSMENT)
    services.refresh_scores(winter)
    shortlisted = {
        application.company_id: application
        for application in services.shortlist(
            list(applications.values()), by=manager, note="Four good firms for two desks."
        )
    }
    spree, partner = run.objects["hosts"]["spree"], run.users["partner_spree"]
    services.give_host_fit(
        shortlisted[companies["rideau"].pk],
        spree,
        by=partner,
        opinion=HostFit.GOOD,
        note="Our fintech members have been asking for a Canadian payments partner.",
    )
    services.give_host_fit(
        shortlisted[companies["tidewater"].pk],
        spree,
        by=partner,
        opinion=HostFit.NOT_A_FIT,
        note="Our members are software and finance firms; we know no robotics buyers.",
    )

    # The Celery task's work, done here so the slate exists to confirm; the task queued
    # when the run started finds it finished and does nothing.
    selection_run = services.execute_run(services.start_run(winter, by=manager))
    services.confirm_slate(selection_run, by=manager)
    services.release_decisions(winter, by=manager)
    offers = {
        offer.application.company_id: offer
        for offer in Offer.objects.filter(intake=winter).select_related("application")
    }
    services.accept_offer(offers[companies["rideau"].pk], by=run.users["owner_rideau"])
    services.decline_offer(
        offers[companies["harbourline"].pk],
        by=run.users["owner_harbourline"],
        reason=DECLINE_REASON,
    )


def open_winter_round(run):
    """The winter round, open while its applications come in (the seed closes it after)."""
    markets, hosts = run.objects["markets"], run.objects["hosts"]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    starts = (now + datetime.timedelta(days=45)).date()
    winter = program_services.create_intake(
        run.objects["program"],
        by=run.users["manager"],
        title="Winter 2027 outbound: Berlin and Bengaluru",
        summary=(
            "A small round before the spring call: one desk in Berlin and one in Bengaluru "
            "for Canadian service firms of any size."
        ),
        markets=[markets["DE"], markets["IN"]],
        opens_at=now - datetime.timedelta(days=56),
        closes_at=now + datetime.timedelta(days=1),
        placement_starts_on=starts,
        placement_ends_on=starts + datetime.timedelta(days=180),
        stipend_budget=Money(8000, "CAD"),
        min_years_operating=3,
        allowed_home_countries=["CA"],
    )
    program_services.set_desk_offers(
        winter, offers=[(hosts["spree"], 1), (hosts["koramangala"], 1)]
    )
    program_services.publish_intake(winter, by=run.users["manager"])
    run.objects["intakes"]["winter"] = winter
    return winter
