"""Data and pages for ``manage.py bench_pages``: one intake with many applications."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from applications.enums import ApplicationStatus, BudgetCategory, MemberRole
from applications.models import (
    Application,
    ApplicationEvent,
    BudgetLine,
    Company,
    CompanyMember,
    HostPreference,
)
from programs import services as programs_services
from programs.enums import SectorCode, StaffRole
from programs.models import DeskOffer, HostIncubator, Intake, Program, ProgramStaff, Sector


def fill(count):
    programs_services.ensure_sectors()
    sectors = list(Sector.objects.all())
    markets = [programs_services.create_market(country=code) for code in ["BR", "DE", "IN"]]
    hosts = [
        HostIncubator.objects.create(
            name=f"Host {n}", market=markets[n % 3], city="City", desk_capacity=10
        )
        for n in range(10)
    ]
    for host in hosts:
        host.sectors.set(sectors[:4])
    User = get_user_model()
    manager = User.objects.create_user(email="manager@bench.example")
    program = Program.objects.create(name="Bench program", slug="bench")
    ProgramStaff.objects.create(program=program, user=manager, role=StaffRole.MANAGER)
    now = timezone.now()
    intake = Intake.objects.create(
        program=program,
        title="Bench intake",
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=20),
        placement_starts_on=(now + datetime.timedelta(days=50)).date(),
        placement_ends_on=(now + datetime.timedelta(days=230)).date(),
        published_at=now,
    )
    DeskOffer.objects.bulk_create(DeskOffer(intake=intake, host=host, desks=5) for host in hosts)

    users = User.objects.bulk_create(
        User(email=f"owner{n}@bench.example", password="!") for n in range(count)
    )
    companies = Company.objects.bulk_create(
        Company(name=f"Company {n:05d} Inc.", country="CA", sector=sectors[n % len(sectors)],
                employees=10 + n % 90)
        for n in range(count)
    )  # fmt: skip
    CompanyMember.objects.bulk_create(
        CompanyMember(company=company, user=user, role=MemberRole.OWNER)
        for company, user in zip(companies, users, strict=True)
    )
    statuses = itertools.cycle([ApplicationStatus.SUBMITTED] * 7 + [ApplicationStatus.DRAFT] * 3)
    applications = Application.objects.bulk_create(
        Application(
            company=company,
            intake=intake,
            status=status,
            created_by=user,
            updated_by=user,
            submitted_at=now if status == ApplicationStatus.SUBMITTED else None,
            proposed_start=intake.placement_starts_on,
            proposed_end=intake.placement_starts_on + datetime.timedelta(days=60),
            objectives=["first-customers"],
        )
        for company, user, status in zip(companies, users, statuses, strict=False)
    )
    HostPreference.objects.bulk_create(
        HostPreference(application=application, host=hosts[(n + rank) % len(hosts)], rank=rank)
        for n, application in enumerate(applications)
        for rank in (1, 2, 3)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application,
            category=category,
            amount=Money(amount, "CAD"),
            rate=1,
            amount_converted=Money(amount, "CAD"),
        )
        for application in applications
        for category, amount in [(BudgetCategory.TRAVEL, 1800), (BudgetCategory.OTHER, 700)]
    )
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(
            application=application,
            actor=application.created_by,
            from_status=ApplicationStatus.DRAFT,
            to_status=application.status,
        )
        for application in applications
    )
    return {"manager": manager, "intake": intake, "program": program, "owner": users[0]}


def pages(world):
    """(label, user or None, url) for each list page built so far."""
    intake, manager = world["intake"], world["manager"]
    applications = reverse("applications:intake_applications", args=[intake.pk])
    return [
        ("Manager: an intake's applications", manager, applications),
        (
            "Manager: applications, filtered and sorted",
            manager,
            f"{applications}?status=submitted&sector={SectorCode.IT}&order=-submitted",
        ),
        ("Manager: program page with its intakes", manager, reverse(
            "programs:program_detail", args=[world["program"].pk])),
        ("Manager: dashboard", manager, reverse("dashboard")),
        ("Applicant: dashboard", world["owner"], reverse("dashboard")),
        ("Public: intakes", None, reverse("programs:intake_list")),
        ("Public: host directory", None, reverse("programs:host_list")),
        ("Public: markets", None, reverse("programs:market_list")),
    ]  # fmt: skip
