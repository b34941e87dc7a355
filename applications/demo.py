"""Demo applicant companies and their members."""

from applications import services
from applications.enums import MemberRole
from portal.demo import demo_email

COMPANIES = [
    ("northwind", "Northwind Engineering Inc.", "CA", "Marc Gagnon", "Julie Roy"),
    ("maplepixel", "Maple Pixel Studios Ltd.", "CA", "Emily Chen", None),
]


def seed(run):
    for slug, name, country, owner_name, staff_name in COMPANIES:
        owner = run.make_user(
            f"owner_{slug}",
            email=demo_email(f"owner.{slug}"),
            full_name=owner_name,
            role=f"Applicant owner ({name})",
        )
        company = services.register_company(owner, name=name, country=country)
        if staff_name:
            staff = run.make_user(
                f"staff_{slug}",
                email=demo_email(f"staff.{slug}"),
                full_name=staff_name,
                role=f"Applicant staff ({name})",
            )
            services.add_company_member(company, user=staff, role=MemberRole.STAFF)
        run.objects.setdefault("companies", {})[slug] = company
