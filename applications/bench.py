"""Data and pages for ``manage.py bench_pages``: one intake with many applications."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from applications import scoring, services
from applications.enums import (
    ApplicationStatus,
    BudgetCategory,
    HostFit,
    MemberRole,
    Recommendation,
)
from applications.models import (
    Application,
    ApplicationEvent,
    BudgetLine,
    Company,
    CompanyMember,
    CriterionScore,
    HostFitOpinion,
    HostPreference,
    Review,
)
from programs import services as programs_services
from programs.enums import DEFAULT_RUBRIC, SectorCode, StaffRole
from programs.models import (
    DeskOffer,
    HostIncubator,
    Intake,
    Program,
    ProgramStaff,
    RubricCriterion,
    Sector,
)


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
    # Of ten: five in review, two shortlisted, three drafts; the reviewed ones have 3 reviews.
    S = ApplicationStatus
    statuses = itertools.cycle(
        [S.SHORTLISTED, S.IN_REVIEW, S.IN_REVIEW, S.IN_REVIEW, S.DRAFT,
         S.SHORTLISTED, S.IN_REVIEW, S.IN_REVIEW, S.DRAFT, S.DRAFT]
    )  # fmt: skip
    applications = Application.objects.bulk_create(
        Application(
            company=company,
            intake=intake,
            status=status,
            created_by=user,
            updated_by=user,
            submitted_at=None if status == ApplicationStatus.DRAFT else now,
            proposed_start=intake.placement_starts_on,
            proposed_end=intake.placement_starts_on + datetime.timedelta(days=60),
            objectives=["first-customers"],
            budget_total=Money(2500, "CAD"),
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
    # Written without the services: the kept counts are counted once, at the end.
    services.recount_statuses(intake.pk)
    services.recount_filters(intake.pk)
    reviewers, partner = _review(intake, program, applications, hosts)
    services.recount_attention(intake.pk)
    services.recount_reviewers(intake.pk, to_do=True)
    services.recount_work(intake.pk)
    services.recount_fit_queue(Application.objects.filter(intake=intake).values("pk"))
    return {"manager": manager, "intake": intake, "program": program, "owner": users[0],
            "reviewer": reviewers[0], "partner": partner}  # fmt: skip


REVIEWERS = 12


def _review(intake, program, applications, hosts):
    """Three scored reviews per submitted application, host-fit opinions on half the
    shortlisted ones, and the intake's combined scores."""
    User = get_user_model()
    reviewers = User.objects.bulk_create(
        User(email=f"reviewer{n}@review.example", password="!") for n in range(REVIEWERS)
    )
    ProgramStaff.objects.bulk_create(
        ProgramStaff(program=program, user=reviewer, role=StaffRole.REVIEWER)
        for reviewer in reviewers
    )
    criteria = RubricCriterion.objects.bulk_create(
        RubricCriterion(intake=intake, name=str(name), weight=weight, position=position)
        for position, (name, _description, weight) in enumerate(DEFAULT_RUBRIC)
    )
    submitted = [a for a in applications if a.status != ApplicationStatus.DRAFT]
    now = timezone.now()
    # Each review's values are known before it is saved, so its score goes in with the row:
    # no bulk_update afterwards (one CASE expression over 42,000 rows took PostgreSQL minutes).
    planned = []
    for n, application in enumerate(submitted):
        for k in range(3):
            reviewer = reviewers[(n + k) % REVIEWERS]
            # A harsh and a lenient half of the panel; the last criterion sometimes N/A.
            base = 2 if reviewer.pk % 2 else 4
            values = [min(5, base + (len(planned) + i) % 2) for i in range(len(criteria))]
            if len(planned) % 4 == 0:
                values[-1] = None
            score = scoring.review_score(
                [(v, c.weight, c.scale_max) for c, v in zip(criteria, values, strict=True)]
            )
            review = Review(
                application=application,
                intake=intake,
                reviewer=reviewer,
                submitted_at=now,
                recommendation=Recommendation.SUPPORT,
                score=score,
            )
            planned.append((review, values))
    Review.objects.bulk_create((review for review, _values in planned), batch_size=2000)
    CriterionScore.objects.bulk_create(
        (
            CriterionScore(review=review, criterion=criterion, value=value)
            for review, values in planned
            for criterion, value in zip(criteria, values, strict=True)
        ),
        batch_size=5000,
    )
    services.refresh_scores(intake)
    partner = User.objects.create_user(email="partner@host.example")
    for host in hosts:
        host.partner_staff.add(partner)
    shortlisted = [a for a in submitted if a.status == ApplicationStatus.SHORTLISTED]
    HostFitOpinion.objects.bulk_create(
        HostFitOpinion(
            application=application,
            host=hosts[n % len(hosts)],
            opinion=HostFit.GOOD if n % 3 else HostFit.NOT_A_FIT,
            given_by=partner,
        )
        for n, application in enumerate(shortlisted[::2])
    )
    return reviewers, partner


def pages(world):
    """(label, user or None, url) for each list page built so far."""
    intake, manager = world["intake"], world["manager"]
    applications = reverse("applications:intake_applications", args=[intake.pk])
    review = reverse("applications:review_dashboard", args=[intake.pk])
    return [
        ("Manager: an intake's applications", manager, applications),
        ("Manager: applications, filtered and sorted", manager,
         f"{applications}?status=in-review&sector={SectorCode.IT}&order=-submitted"),
        ("Manager: applications, searched by company", manager, f"{applications}?q=01234"),
        ("Manager: program page with its intakes", manager, reverse(
            "programs:program_detail", args=[world["program"].pk])),
        ("Manager: dashboard", manager, reverse("dashboard")),
        ("Applicant: dashboard", world["owner"], reverse("dashboard")),
        ("Public: intakes", None, reverse("programs:intake_list")),
        ("Public: host directory", None, reverse("programs:host_list")),
        ("Public: markets", None, reverse("programs:market_list")),
        ("Manager: review dashboard", manager, review),
        ("Manager: review dashboard, filtered, by disagreement", manager,
         f"{review}?status=in-review&attention=disagreement&order=-spread"),
        # One firm's name, in part: the companies matching come from a trigram index.
        ("Manager: review dashboard, searched by company", manager, f"{review}?q=01234"),
        ("Reviewer: assignments", world["reviewer"], reverse("applications:reviews")),
        ("Partner: host-fit queue", world["partner"], reverse("applications:host_fit_queue")),
    ]  # fmt: skip
