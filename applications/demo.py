"""Demo applicant companies, their members, and applications across the open intakes."""

import datetime

from django.core.files.base import ContentFile
from djmoney.money import Money

from applications import services
from applications.enums import BudgetCategory, DocumentKind, MemberRole
from portal.demo import demo_email
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
            email=demo_email(f"owner.{slug}"),
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
                email=demo_email(f"staff.{slug}"),
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
