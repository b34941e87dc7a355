"""Data and checks for ``manage.py bench_burst``: firms with drafts one step from complete.

``prepare`` fills an empty database with one open intake and ``firms`` companies, each with
an owner signed in (a session made here, as the log-in form would make it) and a draft that
lacks only its business case. ``tally`` compares the database, afterwards, with what each
simulated firm sent.
"""

import datetime
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from djmoney.money import Money

from applications import services
from applications.enums import BudgetCategory, DocumentKind, MemberRole
from applications.models import Application, Company, CompanyMember, Screening
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from programs import services as programs_services
from programs.models import DeskOffer, HostIncubator, Intake, Program, Sector

CASE_FIELDS = [
    "potential_market",
    "proven_product",
    "why_this_market",
    "export_readiness",
    "travellers",
]
# The smallest file the upload check takes for a PDF.
PITCH_DECK = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def prepare(firms, *, closes_at):
    """One open intake closing at ``closes_at`` and ``firms`` drafts; returns each firm's
    application, its owner's address and the session and CSRF cookies it signs in with."""
    programs_services.ensure_sectors()
    sector = Sector.objects.order_by("pk").first()
    market = programs_services.create_market(country="BR")
    hosts = [
        HostIncubator.objects.create(
            name=f"Host {n}", market=market, city="São Paulo", desk_capacity=firms
        )
        for n in range(3)
    ]
    for host in hosts:
        host.sectors.set([sector])
    program = Program.objects.create(name="Burst program", slug="burst")
    now = timezone.now()
    intake = Intake.objects.create(
        program=program,
        title="Burst intake",
        opens_at=now - datetime.timedelta(days=30),
        closes_at=closes_at,
        placement_starts_on=(now + datetime.timedelta(days=60)).date(),
        placement_ends_on=(now + datetime.timedelta(days=240)).date(),
        published_at=now - datetime.timedelta(days=30),
    )
    DeskOffer.objects.bulk_create(DeskOffer(intake=intake, host=host, desks=5) for host in hosts)
    User = get_user_model()
    # No password: the firms sign in through sessions made below, never a shared secret.
    users = [User.objects.create_user(email=f"owner{n}@burst.example") for n in range(firms)]
    companies = Company.objects.bulk_create(
        Company(name=f"Firm {n:04d} Inc.", country="CA", sector=sector, employees=12)
        for n in range(firms)
    )
    CompanyMember.objects.bulk_create(
        CompanyMember(company=company, user=user, role=MemberRole.OWNER)
        for company, user in zip(companies, users, strict=True)
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    result = []
    for n, (company, user) in enumerate(zip(companies, users, strict=True)):
        application = services.start_application(company, intake, by=user)
        application = services.set_host_preferences(
            application, by=user, version=application.version, hosts=[hosts[n % 3]]
        )
        application = services.save_draft(
            application,
            by=user,
            version=application.version,
            proposed_start=intake.placement_starts_on,
            proposed_end=intake.placement_starts_on + datetime.timedelta(days=45),
            objectives=["first-customers"],
            objectives_detail="Meet ten buyers.",
        )
        application = services.set_budget(
            application,
            by=user,
            version=application.version,
            lines=[(BudgetCategory.TRAVEL, "Flights", Money(1800, settings.PORTAL_CURRENCY))],
        )
        services.add_document(
            application,
            by=user,
            kind=DocumentKind.PITCH_DECK,
            upload=SimpleUploadedFile("deck.pdf", PITCH_DECK, content_type="application/pdf"),
        )
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        result.append(
            {
                "application": application.pk,
                "email": user.email,
                "session": session.session_key,
                "csrf": secrets.token_hex(16),  # a 32-character secret, as Django's cookie
            }
        )
    return intake, result


def tally(intake, firms):
    """What the database holds against what the firms sent: lost drafts, lost submissions,
    confirmation emails (rows in the outbox and the times each was sent), screenings."""
    applications = Application.objects.in_bulk([firm["application"] for firm in firms])
    lost_drafts, lost_submissions, refused_late = [], [], []
    for firm in firms:
        application = applications[firm["application"]]
        kept = {name: getattr(application, name) for name in CASE_FIELDS}
        if firm["saved"] is not None and kept != firm["saved"]:
            lost_drafts.append(firm["application"])
        if firm["submit_sent_at"] is None:
            continue
        if application.submitted_at is None:
            if firm["submit_sent_at"] >= application.deadline:
                refused_late.append(firm["application"])
            else:
                lost_submissions.append(firm["application"])
    submitted = [a for a in applications.values() if a.submitted_at is not None]
    emails = {}
    for email in OutgoingEmail.objects.filter(key__startswith="application-submitted:"):
        pk = int(email.key.split(":")[1])
        emails.setdefault(pk, []).append(email)
    once = [
        a.pk
        for a in submitted
        if len(emails.get(a.pk, [])) == 1
        and emails[a.pk][0].status == EmailStatus.SENT
        and emails[a.pk][0].attempts == 1
    ]
    return {
        "firms": len(firms),
        "submitted": len(submitted),
        "lost_drafts": lost_drafts,
        "lost_submissions": lost_submissions,
        "refused_after_deadline": refused_late,
        "emails_sent_once": len(once),
        "emails_not_once": sorted({a.pk for a in submitted} - set(once)),
        "screened": Screening.objects.filter(application__in=submitted).count(),
    }


def work_left(firms):
    """Confirmation emails still pending and submissions not yet screened: the worker's queue."""
    submitted = Application.objects.filter(
        pk__in=[firm["application"] for firm in firms], submitted_at__isnull=False
    )
    pending = OutgoingEmail.objects.filter(
        key__startswith="application-submitted:", status=EmailStatus.PENDING
    ).count()
    unscreened = submitted.count() - Screening.objects.filter(application__in=submitted).count()
    return pending + unscreened
