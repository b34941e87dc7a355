"""An intake whose placement window started 30 days ago, a host offering it one desk, and
helpers that make accepted offers (waiting for the host) and placements."""

import datetime

import pytest
from django.utils import timezone

from applications.enums import ApplicationStatus, MemberRole, OfferStatus
from applications.models import Offer, SelectionRun
from placements import services
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories

TODAY = timezone.localdate()


def day(offset):
    """A date ``offset`` days from today."""
    return TODAY + datetime.timedelta(days=offset)


def running_intake(**kwargs):
    closed = timezone.now() - datetime.timedelta(days=60)
    return factories.IntakeFactory(
        opens_at=closed - datetime.timedelta(days=30),
        closes_at=closed,
        placement_starts_on=day(-30),
        placement_ends_on=day(150),
        **kwargs,
    )


def accepted_offer(intake, host, company=None, *, starts_on=None, ends_on=None):
    company = company or factories.CompanyFactory()
    application = factories.ApplicationFactory(
        company=company,
        intake=intake,
        status=ApplicationStatus.ACCEPTED,
        submitted_at=timezone.now(),
        proposed_start=starts_on,
        proposed_end=ends_on,
    )
    run = SelectionRun.objects.filter(intake=intake).first() or SelectionRun.objects.create(
        intake=intake, number=1, started_by=factories.UserFactory()
    )
    return Offer.objects.create(
        application=application,
        intake=intake,
        host=host,
        run=run,
        stipend=3000,
        status=OfferStatus.ACCEPTED,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def placed(offer, by, *, start=-10, end=40, desk=""):
    return services.confirm_placement(
        offer, by=by, desk=desk, starts_on=day(start), ends_on=day(end)
    )


@pytest.fixture
def intake(db):
    return running_intake()


@pytest.fixture
def host(intake):
    return factories.DeskOfferFactory(intake=intake, host__name="Berlin Hub", desks=1).host


@pytest.fixture
def partner(host):
    user = factories.UserFactory(full_name="Petra Partner")
    programs_services.add_host_partner(host, user=user)
    return user


@pytest.fixture
def manager(intake):
    return factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user


@pytest.fixture
def company(db):
    return factories.CompanyFactory(name="Maple Analytics")


@pytest.fixture
def owner(company):
    return factories.CompanyMemberFactory(company=company, role=MemberRole.OWNER).user


@pytest.fixture
def offer(intake, host, company):
    return accepted_offer(intake, host, company, starts_on=day(-10), ends_on=day(40))
