"""The world of the generated access matrix (tests/portal/test_access_matrix.py): every role
of tests/rules_matrix.py, plus a member of another firm and a reviewer of the program who is
not assigned to the firm's application, and one object of every kind a URL names.

Two programs, two published intakes of the first (the firm's stay was in the first, now
closed; the other firm has a draft in the second, open), two hosts, two firms. The firm's stay
has ended: it was placed at the host, arrived, asked for a change, was introduced to a buyer,
was awarded a stipend, started a claim with one line, left; its desk invoice was sent to the
host and its outcome reports are due, one with an opportunity.

``build()`` returns a ``World``: ``world.people[role]`` and ``world.objects[key]``; the
expectation tables name objects by these keys.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from djmoney.money import Money

from applications.enums import ApplicationStatus, MemberRole, OfferStatus
from applications.models import CompanyInvitation, Offer
from applications.services import _hash, declare_conflict
from outcomes import services as outcomes_services
from outcomes.enums import DocumentKind, DocumentStatus
from outcomes.models import Document
from placements import changes, services, stipends
from placements.desk_invoices import generate_desk_invoices, send_desk_invoice
from placements.enums import ChangeKind, EntryKind
from placements.models import DeskInvoice, ExchangeRate
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from portal.tokens import create_api_token
from programs.enums import StaffRole
from programs.models import Intake, MarketGroup
from tests import factories
from tests.placements.conftest import accepted_offer
from tests.rules_matrix import ROLES as RULES_ROLES
from tests.rules_matrix import build_world

ROLES = [*RULES_ROLES, "other_firm_member", "unassigned_reviewer"]

INVITATION_TOKEN = "access-matrix-invitation"
PDF = b"%PDF-1.4 receipt\n"


class World:
    def __init__(self, people, objects):
        self.people = people
        self.objects = objects


def _day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


def _running(intake):
    """The intake, published, closed 90 days ago; its stays began 60 days ago."""
    closed = timezone.now() - datetime.timedelta(days=90)
    Intake.objects.filter(pk=intake.pk).update(
        published_at=closed - datetime.timedelta(days=40),
        opens_at=closed - datetime.timedelta(days=30),
        closes_at=closed,
        placement_starts_on=_day(-60),
        placement_ends_on=_day(120),
    )
    intake.refresh_from_db()


def build():
    world = build_world(status=ApplicationStatus.ACCEPTED)
    people = world.pop("people")
    intake, other_intake = world["intake"], world["other_intake"]
    host, company, program = world["host"], world["company"], world["program"]
    _running(intake)
    Intake.objects.filter(pk=other_intake.pk).update(published_at=timezone.now())
    other_intake.refresh_from_db()
    manager = people["program_manager"]
    partner = people["host_partner"]
    owner = people["company_owner"]

    # The other firm, applying to the other intake; a reviewer of the program with no review
    # of the firm's application.
    other_company = factories.CompanyFactory(name="Other Firm Inc.")
    people["other_firm_member"] = factories.CompanyMemberFactory(
        company=other_company, role=MemberRole.OWNER
    ).user
    other_application = factories.ApplicationFactory(
        company=other_company, intake=other_intake, status=ApplicationStatus.DRAFT
    )
    people["unassigned_reviewer"] = factories.ProgramStaffFactory(
        program=program, role=StaffRole.REVIEWER
    ).user
    assert set(people) == set(ROLES)

    # A conflict the intake's reviewer declared with a third firm, waiting for a replacement.
    third_review = factories.ReviewFactory(
        application__company=factories.CompanyFactory(name="Third Firm Inc."),
        application__intake=intake,
        reviewer=people["intake_reviewer"],
        staff=False,
    )
    conflict = declare_conflict(third_review, by=people["intake_reviewer"], reason="Friend")

    desk_offer = factories.DeskOfferFactory(intake=intake, host=host, desks=3)
    offer = world["offer"]
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.ACCEPTED)
    offer.refresh_from_db()
    placement = services.confirm_placement(
        offer, by=partner, desk="A1", starts_on=_day(-50), ends_on=_day(35)
    )
    services.log_arrival(placement, by=partner, on=_day(-50))
    introduction = services.add_log_entry(
        placement,
        by=partner,
        kind=EntryKind.INTRODUCTION,
        on=_day(-30),
        note="Met a buyer",
        organisation="Buyer GmbH",
        introduction_kind="customer",
    )
    change = changes.request_change(
        placement, by=owner, kind=ChangeKind.MOVE_DATES, ends_on=_day(30), reason="Flights."
    )
    waiting = accepted_offer(intake, host)

    ExchangeRate.objects.create(
        base="EUR", quote="CAD", rate=Decimal("1.5"), on=_day(-400), source="Test bank"
    )
    award = stipends.award_stipend(
        stipends.propose_award(placement, by=manager, amount=Money(3000, "CAD")), by=manager
    )
    tranche = award.tranches.order_by("pk").first()
    claim = stipends.start_claim(award, by=owner)
    line = stipends.add_claim_line(
        claim,
        by=owner,
        on=_day(-40),
        category="travel",
        description="Flight",
        amount=Money(500, "CAD"),
        receipt=SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf"),
    )

    check_in = services.add_log_entry(
        placement, by=partner, kind=EntryKind.CHECK_IN, on=_day(-20), note="Settling in"
    )

    placement = services.log_departure(placement, by=partner, on=_day(-1))
    reports = outcomes_services.schedule_reports(placement)
    report = reports[0]
    opportunity = outcomes_services.save_opportunity(
        report,
        by=owner,
        organisation="Buyer GmbH",
        identified_on=_day(-20),
        stage="identified",
        country="DE",
        kind="sales-contract",
        attribution="decisive",
        value=Money(10000, "CAD"),
    )

    generate_desk_invoices(intake)
    invoice = DeskInvoice.objects.filter(host=host).order_by("period_start").first()
    send_desk_invoice(invoice, by=manager)

    invitation = CompanyInvitation.objects.create(
        company=company,
        email="invited@example.org",
        role=MemberRole.STAFF,
        token_hash=_hash(INVITATION_TOKEN),
        invited_by=owner,
    )
    failed_email = OutgoingEmail.objects.create(
        key="access-matrix",
        to=["someone@example.org"],
        subject="Subject",
        body="Body",
        status=EmailStatus.FAILED,
        intake_ref=intake.pk,
    )
    group = MarketGroup.objects.create(name="Access group", slug="access-group", countries=[])
    intake_staff = intake.staff.get(user=people["intake_reviewer"])
    # Named "dossier" in the world: "document" is the application's upload (rules_matrix).
    dossier = Document.objects.create(
        kind=DocumentKind.DOSSIER,
        program=program,
        intake=intake,
        placement=placement,
        language="en",
        status=DocumentStatus.READY,
        file=ContentFile(b"PK dossier", name="dossier.zip"),
        requested_by=manager,
    )
    api_token, _text = create_api_token(
        partner, name="Access", expires_on=_day(30), can_write=True, scope={"host": "all"}
    )

    objects = {
        **world,
        "other_company": other_company,
        "other_application": other_application,
        "conflict": conflict,
        "desk_offer": desk_offer,
        "placement": placement,
        "introduction": introduction,
        "change": change,
        "waiting": waiting,
        "award": award,
        "tranche": tranche,
        "claim": claim,
        "line": line,
        "report": report,
        "opportunity": opportunity,
        "invoice": invoice,
        "invitation": invitation,
        "failed_email": failed_email,
        "group": group,
        "intake_staff": intake_staff,
        "check_in": check_in,
        "dossier": dossier,
        "api_token": api_token,
        "owner_membership": company.members.get(user=owner),
        "staff_membership": company.members.get(user=people["company_staff"]),
    }
    return World(people, objects)
