"""Shared data for the selection tests: a closed intake with two hosts of one desk each, and
four shortlisted applicants (Ada 90, Bo 80, Cy 70 who wants only Alpha, Di 40)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from djmoney.money import Money

from applications import services
from applications.enums import ApplicationStatus
from applications.models import ApplicationScore, BudgetLine
from programs.enums import StaffRole
from tests import factories

S = ApplicationStatus


@pytest.fixture
def intake():
    closed = timezone.now() - datetime.timedelta(days=2)
    return factories.IntakeFactory(
        opens_at=closed - datetime.timedelta(days=30),
        closes_at=closed,
        stipend_budget=Money(10000, "CAD"),
        offer_response_days=10,
    )


@pytest.fixture
def manager(intake):
    return factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.MANAGER, user__email="boss@program.example"
    ).user


@pytest.fixture
def hosts(intake):
    made = []
    for name in ["Alpha", "Beta"]:
        offer = factories.DeskOfferFactory(intake=intake, host__name=name, desks=1)
        made.append(offer.host)
    return made


def shortlisted(intake, name, score, hosts, stipend=3000):
    company = factories.CompanyFactory(name=name)
    owner = factories.CompanyMemberFactory(
        company=company, user__email=f"owner@{name.lower()}.example"
    ).user
    application = factories.ApplicationFactory(
        company=company, intake=intake, status=S.SHORTLISTED, submitted_at=timezone.now(),
        proposed_start=intake.placement_starts_on,
        proposed_end=intake.placement_starts_on + datetime.timedelta(days=60),
    )  # fmt: skip
    ApplicationScore.objects.create(
        application=application, intake=intake, raw_mean=Decimal(score), computed_at=timezone.now()
    )
    services.rank_applications(intake)  # the score written without refresh_scores
    for rank, host in enumerate(hosts, start=1):
        factories.HostPreferenceFactory(application=application, host=host, rank=rank)
    BudgetLine.objects.create(
        application=application, category="travel", amount=Money(stipend, "CAD"), rate=1,
        amount_converted=Money(stipend, "CAD"),
    )  # fmt: skip
    application.budget_total = Money(stipend, "CAD")
    application.save(update_fields=["budget_total", "budget_total_currency"])
    application.owner = owner
    return application


@pytest.fixture
def field(intake, hosts):
    alpha, beta = hosts
    return {
        "ada": shortlisted(intake, "Ada", 90, [alpha, beta]),
        "bo": shortlisted(intake, "Bo", 80, [alpha, beta]),
        "cy": shortlisted(intake, "Cy", 70, [alpha]),
        "di": shortlisted(intake, "Di", 40, [beta]),
    }


def run_now(intake, manager, **parameters):
    run = services.start_run(intake, by=manager, **parameters)
    return services.execute_run(run)
