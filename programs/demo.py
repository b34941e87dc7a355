"""Demo markets with briefings, hosts and the program with its staff."""

from django.utils import timezone

from portal.demo import demo_email
from programs import services
from programs.enums import StaffRole
from programs.models import HostIncubator, Program

# The five markets the reference program names, with a few believable hosts each.
HOSTS = [
    ("BR", "Paulista Innovation Hub", "São Paulo", "paulista"),
    ("BR", "Recife Harbour Tech Park", "Recife", "recife"),
    ("DE", "Spree Scale-up Campus", "Berlin", "spree"),
    ("DE", "Isar Innovation Loft", "Munich", "isar"),
    ("IN", "Bandra Business Incubator", "Mumbai", "bandra"),
    ("IN", "Koramangala Venture Studio", "Bengaluru", "koramangala"),
    ("SA", "Riyadh Growth Gateway", "Riyadh", "riyadh"),
    ("AE", "Dubai Creek Soft-Landing Centre", "Dubai", "dubaicreek"),
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
}


def seed(run):
    briefed = timezone.now()
    markets = {
        code: services.create_market(country=code, briefing_updated_at=briefed, **fields)
        for code, fields in MARKETS.items()
    }
    hosts = {}
    for code, name, city, slug in HOSTS:
        hosts[slug] = HostIncubator.objects.create(name=name, market=markets[code], city=city)
    for slug in ["spree", "bandra"]:
        host = hosts[slug]
        partner = run.make_user(
            f"partner_{slug}",
            email=demo_email(f"partner.{slug}"),
            full_name={"spree": "Anna Becker", "bandra": "Priya Nair"}[slug],
            role=f"Host partner ({host.name})",
        )
        services.add_host_partner(host, user=partner)

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

    run.objects.update(markets=markets, hosts=hosts, program=program)
