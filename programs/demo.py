"""Demo markets, hosts and the program with its staff."""

from portal.demo import demo_email
from programs import services
from programs.enums import StaffRole
from programs.models import ForeignMarket, HostIncubator, Program

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


def seed(run):
    markets = {
        code: ForeignMarket.objects.create(country=code) for code in ["BR", "DE", "IN", "SA", "AE"]
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
