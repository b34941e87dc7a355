"""Demo markets with briefings, hosts and the program with its staff."""

import datetime

from django.utils import timezone
from djmoney.money import Money

from portal.demo import demo_email
from programs import services
from programs.enums import Direction, StaffRole
from programs.models import ExchangeRate, HostIncubator, Program, Sector

# The five markets the reference program names, with believable hosts in each, and two
# hosts at home for the inbound exchange (the seed's Toronto <-> Mumbai model).
# (market, name, city, slug, desks, desk cost per day in CAD, sectors, services)
HOSTS = [
    (
        "BR",
        "Paulista Innovation Hub",
        "São Paulo",
        "paulista",
        4,
        45,
        ["engineering", "finance", "it"],
        ["desk-space", "mentorship", "legal-regulatory", "translation", "customer-introductions"],
    ),
    (
        "BR",
        "Recife Harbour Tech Park",
        "Recife",
        "recife",
        3,
        35,
        ["it", "digital-media"],
        ["desk-space", "mentorship", "investor-introductions"],
    ),
    (
        "DE",
        "Spree Scale-up Campus",
        "Berlin",
        "spree",
        5,
        60,
        ["it", "digital-media", "finance"],
        [
            "desk-space",
            "mentorship",
            "investor-introductions",
            "legal-regulatory",
            "market-research",
        ],
    ),
    (
        "DE",
        "Isar Innovation Loft",
        "Munich",
        "isar",
        3,
        65,
        ["engineering", "architecture", "health"],
        ["desk-space", "customer-introductions", "legal-regulatory"],
    ),
    (
        "IN",
        "Bandra Business Incubator",
        "Mumbai",
        "bandra",
        6,
        30,
        ["finance", "accounting", "legal", "it"],
        ["desk-space", "mentorship", "legal-regulatory", "customer-introductions", "training"],
    ),
    (
        "IN",
        "Koramangala Venture Studio",
        "Bengaluru",
        "koramangala",
        4,
        28,
        ["it", "digital-media", "education"],
        ["desk-space", "investor-introductions", "market-research"],
    ),
    (
        "SA",
        "Riyadh Growth Gateway",
        "Riyadh",
        "riyadh",
        3,
        70,
        ["engineering", "health", "architecture"],
        ["desk-space", "legal-regulatory", "translation", "customer-introductions"],
    ),
    (
        "AE",
        "Dubai Creek Soft-Landing Centre",
        "Dubai",
        "dubaicreek",
        4,
        75,
        ["finance", "legal", "it"],
        ["desk-space", "mentorship", "legal-regulatory", "export-financing"],
    ),
    (
        "CA",
        "Toronto Harbourfront Landing Pad",
        "Toronto",
        "toronto",
        5,
        50,
        ["it", "finance", "digital-media"],
        ["desk-space", "mentorship", "investor-introductions", "legal-regulatory", "training"],
    ),
    (
        "CA",
        "Waterloo Region Soft-Landing Studio",
        "Waterloo",
        "waterloo",
        3,
        40,
        ["engineering", "it", "education"],
        ["desk-space", "mentorship", "market-research"],
    ),
]


MARKETS = {
    "BR": {
        "currency": "BRL",
        "languages": "Portuguese",
        "time_zone": "America/Sao_Paulo",
        "summary": (
            "Latin America's largest economy, one of the BIC group whose service imports grew "
            "fastest between 2007 and 2012."
        ),
        "regulation": (
            "A foreign company usually needs a local entity (Ltda.) and a resident administrator "
            "to invoice in Brazil; professional services such as engineering and architecture "
            "require registration with the relevant federal council."
        ),
        "tax_and_residency": (
            "Short business visits do not require a work visa; a stay to sign contracts "
            "should be checked with the consulate. Service imports carry withholding taxes."
        ),
        "intellectual_property": "Register trademarks with INPI before the stay.",
        "language_and_culture": (
            "Business is done in Portuguese and built on personal relationships; plan "
            "several meetings before a decision."
        ),
        "contacts": "Trade Commissioner Service offices in São Paulo and Rio de Janeiro.",
    },
    "DE": {
        "currency": "EUR",
        "languages": "German, English",
        "time_zone": "Europe/Berlin",
        "summary": "Europe's largest economy and a gateway to the EU single market.",
        "regulation": (
            "EU rules apply; regulated professions need recognition of qualifications. "
            "GDPR applies to any customer data you handle."
        ),
        "tax_and_residency": "Canadians may stay up to 90 days in 180 without a visa.",
        "intellectual_property": "EU trademarks (EUIPO) cover Germany.",
        "language_and_culture": (
            "Punctual, formal, thorough; expect detailed technical questions before a pilot."
        ),
        "contacts": "Trade Commissioner Service offices in Berlin, Munich and Düsseldorf.",
    },
    "IN": {
        "currency": "INR",
        "languages": "Hindi, English",
        "time_zone": "Asia/Kolkata",
        "summary": (
            "A BIC economy with fast-growing demand for professional, financial and IT services."
        ),
        "regulation": "Foreign direct investment rules differ by sector; check before invoicing.",
        "tax_and_residency": "A business e-visa covers meetings and market exploration.",
        "intellectual_property": "Register trademarks with the Indian IP office.",
        "language_and_culture": (
            "English is the language of business; relationships and referrals matter."
        ),
        "contacts": "Trade Commissioner Service offices in New Delhi, Mumbai and Bengaluru.",
    },
    "SA": {
        "currency": "SAR",
        "languages": "Arabic, English",
        "time_zone": "Asia/Riyadh",
        "summary": "Large public investment programs create demand for engineering and health.",
        "regulation": "Government contracts often require a local partner or a licence.",
        "tax_and_residency": "A business visit visa is available online.",
        "intellectual_property": "Register with the Saudi Authority for Intellectual Property.",
        "language_and_culture": "The working week runs Sunday to Thursday.",
        "contacts": "Trade Commissioner Service office in Riyadh.",
    },
    "AE": {
        "currency": "AED",
        "languages": "Arabic, English",
        "time_zone": "Asia/Dubai",
        "summary": "A regional hub with free zones that ease company set-up.",
        "regulation": "Free-zone licences allow foreign ownership; mainland work needs a licence.",
        "tax_and_residency": "Canadians receive a visit visa on arrival.",
        "intellectual_property": "Register trademarks with the Ministry of Economy.",
        "language_and_culture": (
            "English is widely used in business; the week runs Monday to Friday."
        ),
        "contacts": "Trade Commissioner Service offices in Dubai and Abu Dhabi.",
    },
    "CA": {
        "currency": "CAD",
        "languages": "English, French",
        "time_zone": "America/Toronto",
        "summary": (
            "Home market of the program; foreign firms come here through inbound intakes, "
            "as in the Toronto-Mumbai exchange."
        ),
        "regulation": "Provincial rules apply to regulated professions; check before invoicing.",
        "tax_and_residency": (
            "Business visitors may stay up to six months; many need an eTA or a visitor visa."
        ),
        "intellectual_property": "Register trademarks with CIPO.",
        "language_and_culture": "Business is done in English, and in French in Quebec.",
        "contacts": "The program team in Toronto.",
    },
}


# Illustrative rates for the demo only: a real program records its own, with their source.
DEMO_RATES = {"USD": "1.39", "EUR": "1.52", "BRL": "0.26", "INR": "0.0165", "SAR": "0.37",
              "AED": "0.38"}  # fmt: skip


def seed(run):
    services.ensure_sectors()
    for currency, rate in DEMO_RATES.items():
        ExchangeRate.objects.create(
            currency=currency,
            rate=rate,
            valid_from=timezone.localdate() - datetime.timedelta(days=30),
            source="Demo rate (illustrative, not an official quote)",
        )
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    briefed = timezone.now()
    markets = {
        code: services.create_market(country=code, briefing_updated_at=briefed, **fields)
        for code, fields in MARKETS.items()
    }
    hosts = {}
    for code, name, city, slug, desks, cost, host_sectors, offered in HOSTS:
        host = HostIncubator(
            name=name,
            market=markets[code],
            city=city,
            website=f"https://{slug}.example",
            desk_capacity=desks,
            desk_cost_per_day=Money(cost, "CAD"),
            services=offered,
            description=f"{name} hosts growing firms in {city}.",
        )
        hosts[slug] = services.save_host(host, sectors=[sectors[code] for code in host_sectors])
    for slug in ["spree", "bandra"]:
        host = hosts[slug]
        partner = run.make_user(
            f"partner_{slug}",
            email=demo_email(f"partner.{slug}"),
            full_name={"spree": "Anna Becker", "bandra": "Priya Nair"}[slug],
            role=f"Host partner ({host.name})",
        )
        services.add_host_partner(host, user=partner, by=None)

    program = Program.objects.create(
        name="Soft Landing Program",
        slug="soft-landing",
        description=(
            "Short-term overseas market immersion for high-potential SMEs: up to three months "
            "at a partner incubator abroad, up to CAD 4,000 towards travel and administrative "
            "expenses, and the desk paid by the program."
        ),
    )
    manager = run.make_user(
        "manager", email=demo_email("manager"), full_name="Claire Tremblay", role="Program manager"
    )
    services.grant_program_role(program, user=manager, role=StaffRole.MANAGER)
    for key, name in [("reviewer_harsh", "Raj Patel"), ("reviewer_lenient", "Sofia Almeida")]:
        reviewer = run.make_user(
            key, email=demo_email(key.replace("_", ".")), full_name=name, role="Reviewer"
        )
        services.grant_program_role(program, user=reviewer, role=StaffRole.REVIEWER)

    intakes = seed_intakes(program, manager, markets=markets, hosts=hosts, sectors=sectors)
    run.objects.update(markets=markets, hosts=hosts, program=program, intakes=intakes)


def seed_intakes(program, manager, *, markets, hosts, sectors):
    """Two intakes open now (outbound, and the inbound exchange) and one upcoming."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    closes = now + datetime.timedelta(days=21)
    outbound = services.create_intake(
        program,
        by=manager,
        title="Spring 2027 outbound: BIC and Gulf markets",
        summary=(
            "Mature Canadian service SMEs spend up to three months at a partner incubator in "
            "Brazil, Germany, India, Saudi Arabia or the United Arab Emirates."
        ),
        markets=[markets[code] for code in ["BR", "DE", "IN", "SA", "AE"]],
        opens_at=now - datetime.timedelta(days=10),
        closes_at=closes,
        placement_starts_on=(closes + datetime.timedelta(days=45)).date(),
        placement_ends_on=(closes + datetime.timedelta(days=45 + 180)).date(),
        stipend_budget=Money(80000, "CAD"),
        min_years_operating=3,
        min_employees=5,
        min_annual_revenue=Money(500000, "CAD"),
        allowed_home_countries=["CA"],
    )
    services.set_desk_offers(
        outbound,
        offers=[
            (hosts[slug], desks)
            for slug, desks in [
                ("paulista", 2),
                ("recife", 1),
                ("spree", 3),
                ("isar", 2),
                ("bandra", 3),
                ("koramangala", 2),
                ("riyadh", 2),
                ("dubaicreek", 2),
            ]
        ],
    )
    services.publish_intake(outbound, by=manager)

    opens = now - datetime.timedelta(days=3)
    inbound = services.create_intake(
        program,
        by=manager,
        title="Mumbai to Toronto exchange 2027",
        summary=(
            "Indian technology and finance firms spend up to three months at a host "
            "incubator in Toronto or Waterloo, with local mentorship and a residency stipend."
        ),
        direction=Direction.INBOUND,
        time_zone="Asia/Kolkata",
        sectors=[sectors["it"], sectors["finance"]],
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=42),
        placement_starts_on=(opens + datetime.timedelta(days=90)).date(),
        placement_ends_on=(opens + datetime.timedelta(days=270)).date(),
        stipend_budget=Money(40000, "CAD"),
        min_years_operating=2,
        allowed_home_countries=["IN"],
    )
    inbound.allowed_sectors.set([sectors["it"], sectors["finance"]])
    services.set_desk_offers(inbound, offers=[(hosts["toronto"], 3), (hosts["waterloo"], 2)])
    services.publish_intake(inbound, by=manager)

    autumn_opens = now + datetime.timedelta(days=60)
    autumn = services.create_intake(
        program,
        by=manager,
        title="Autumn 2027 outbound: Germany and the Gulf",
        summary="The next call for engineering, architecture and health firms.",
        markets=[markets[code] for code in ["DE", "SA", "AE"]],
        sectors=[sectors[code] for code in ["engineering", "architecture", "health"]],
        opens_at=autumn_opens,
        closes_at=autumn_opens + datetime.timedelta(days=30),
        placement_starts_on=(autumn_opens + datetime.timedelta(days=75)).date(),
        placement_ends_on=(autumn_opens + datetime.timedelta(days=255)).date(),
        stipend_budget=Money(60000, "CAD"),
        min_years_operating=3,
        allowed_home_countries=["CA"],
    )
    services.set_desk_offers(
        autumn, offers=[(hosts["isar"], 2), (hosts["riyadh"], 2), (hosts["dubaicreek"], 2)]
    )
    services.publish_intake(autumn, by=manager)
    return {"outbound": outbound, "inbound": inbound, "autumn": autumn}
