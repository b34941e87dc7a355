"""What people may see of outcome reports, the lists' querysets, and what other apps ask."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from applications.models import CompanyMember
from outcomes.enums import HANDED_IN, OPEN_STAGES, ReportKind, ReportStatus
from outcomes.models import Opportunity, OutcomeReport, ProgramCost, ReportEvent
from placements.enums import EntryKind, PlacementStatus
from placements.models import LogEntry, Placement
from programs.queries import intakes_managed_by, managed_by, programs_managed_by

S = ReportStatus
ENDED = [PlacementStatus.COMPLETED, PlacementStatus.CUT_SHORT]


def _member(user, company_ref):
    return Exists(CompanyMember.objects.filter(company=OuterRef(company_ref), user=user.pk))


def reports_visible_to(user):
    """Reports of the person's firms and of the intakes they manage (every one for the
    director). A host's partner sees none; anything else is a 404."""
    reports = OutcomeReport.objects.select_related(
        "placement__company", "placement__intake__program", "placement__host__market"
    )
    if not user.is_authenticated:
        return reports.none()
    if user.is_superuser:
        return reports
    return reports.filter(
        Q(_member(user, "placement__company")) | Q(placement__intake__in=intakes_managed_by(user))
    )


def end_of_stay_verified(placement):
    """Is the placement's end-of-stay report verified? An award made afterwards reads this
    (placements.stipends.register_condition): its tranche that waits on it is due at once."""
    return OutcomeReport.objects.filter(
        placement=placement, kind=ReportKind.END_OF_STAY, status=S.VERIFIED
    ).exists()


def unscheduled_placements():
    """Placements that ended (completed or cut short) and have no reports yet."""
    reports = OutcomeReport.objects.filter(placement=OuterRef("pk"))
    return Placement.objects.filter(status__in=ENDED).filter(~Exists(reports)).order_by("pk")


def open_opportunities(report):
    """The firm's opportunities still open, to update in this report, each with whether this
    report already says something about it."""
    return (
        Opportunity.objects.filter(company=report.placement.company_id, stage__in=OPEN_STAGES)
        .select_related("introduction")
        .order_by("identified_on", "pk")
    )


def closed_opportunities(report):
    """The firm's won and lost opportunities, most recent first."""
    return (
        Opportunity.objects.filter(company=report.placement.company_id)
        .exclude(stage__in=OPEN_STAGES)
        .order_by("-closed_on", "-pk")
    )


def introductions_to_confirm(report):
    """Introductions the host logged on the firm's stays, not yet confirmed as
    opportunities (staff-only entries are not the firm's to see)."""
    return (
        LogEntry.objects.filter(
            placement__company=report.placement.company_id,
            kind=EntryKind.INTRODUCTION,
            staff_only=False,
        )
        .filter(~Exists(Opportunity.objects.filter(introduction=OuterRef("pk"))))
        .order_by("on", "pk")
    )


def history(report):
    return ReportEvent.objects.filter(report=report).select_related("actor").order_by("at", "pk")


def firm_reports(user):
    """The person's firms' reports, the nearest due first."""
    return (
        OutcomeReport.objects.filter(_member(user, "placement__company"))
        .select_related("placement__company", "placement__host", "placement__intake")
        .order_by("due_on", "pk")
    )


# The manager's list: one page of values() rows.
LIST_COLUMNS = [
    "pk",
    "kind",
    "status",
    "due_on",
    "submitted_at",
    "placement__company__name",
    "placement__host__name",
    "placement__intake__title",
    "overdue_flagged_on",
]


def reports_for_manager(user):
    return OutcomeReport.objects.filter(placement__intake__in=intakes_managed_by(user)).order_by(
        "due_on", "pk"
    )


def overdue_q(today=None):
    """Still to hand in, past the due date (the intake's grace period is for the flag)."""
    today = today or timezone.localdate()
    return Q(status__in=[S.DUE, S.CHANGES_REQUESTED], due_on__lt=today)


def flagged_q():
    """Still to hand in, and flagged to the managers as overdue past the intake's grace
    period (outcomes.reminders)."""
    return Q(status=S.DUE, overdue_flagged_on__isnull=False)


def filtered(reports, *, intake=None, status="", due="", today=None):
    today = today or timezone.localdate()
    if intake:
        reports = reports.filter(placement__intake=intake)
    if status:
        reports = reports.filter(status=status)
    if due == "overdue":
        reports = reports.filter(overdue_q(today))
    elif due == "flagged":
        reports = reports.filter(flagged_q())
    elif due == "next-30":
        reports = reports.filter(
            status__in=[S.DUE, S.CHANGES_REQUESTED],
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=30),
        )
    return reports


def completeness(user, today=None):
    """Per intake the person manages: reports due by now, and of those handed in."""
    today = today or timezone.localdate()
    return (
        OutcomeReport.objects.filter(
            placement__intake__in=intakes_managed_by(user), due_on__lte=today
        )
        .values("placement__intake", "placement__intake__title")
        .annotate(
            due=Count("pk"),
            handed_in=Count("pk", filter=Q(status__in=HANDED_IN)),
            flagged=Count("pk", filter=flagged_q()),
        )
        .order_by("placement__intake__title")
    )


def with_shares(rows):
    """Completeness rows with ``share``, the percentage handed in (whole number)."""
    return [row | {"share": round(100 * row["handed_in"] / row["due"])} for row in rows]


def unscheduled_for(user):
    """Ended placements of the person's intakes with no reports yet (the beat task will
    schedule them; the manager may do it now)."""
    return (
        unscheduled_placements()
        .filter(intake__in=intakes_managed_by(user))
        .values("pk", "company__name", "host__name", "departed_on")
    )


def program_costs_for(user, intake=None):
    """The other program costs of the intakes the person manages, the latest first."""
    costs = ProgramCost.objects.filter(intake__in=intakes_managed_by(user))
    if intake:
        costs = costs.filter(intake=intake)
    return costs.select_related("intake", "entered_by").order_by("-on", "-pk")


# --- The dashboard -------------------------------------------------------------------------

DUE_SOON_DAYS = 30


def firm_reports_due(user, today=None):
    """The person's firms' reports still to hand in, due within DUE_SOON_DAYS or overdue,
    the nearest first (values rows: the dashboard lists at most ten)."""
    today = today or timezone.localdate()
    return (
        firm_reports(user)
        .filter(
            status__in=[S.DUE, S.CHANGES_REQUESTED],
            due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .values("pk", "kind", "status", "due_on", "placement__company__name")
    )


def manager_summary(user, today=None):
    """Per intake the person manages: reports submitted and waiting for verification,
    reports due by now and of those handed in, and those flagged overdue. One query."""
    today = today or timezone.localdate()
    due = Q(due_on__lte=today)
    return (
        OutcomeReport.objects.filter(managed_by(user, "placement__intake"))
        .values("placement__intake", "placement__intake__title")
        .annotate(
            to_verify=Count("pk", filter=Q(status=S.SUBMITTED)),
            due=Count("pk", filter=due),
            handed_in=Count("pk", filter=due & Q(status__in=HANDED_IN)),
            flagged=Count("pk", filter=flagged_q()),
        )
        .order_by("placement__intake__title")
    )


def programs_managed_whole_by(user):
    """The programs the person manages as a whole (a program-wide manager role; the director:
    every one), by name: those whose program-wide reports they may ask for and open. The rule
    decides (programs.manage_program, which outcomes.rules.manages_what_it_describes asks
    too), so a manager of one intake of a program is not listed it."""
    return [
        program
        for program in programs_managed_by(user)
        if user.has_perm("programs.manage_program", program)
    ]


def documents_visible_to(user):
    """Documents about the intakes and programs the person manages (the rules decide on each
    one; this is the queryset they are loaded from, and the manager's list). A program-wide
    report only to those who manage the whole program: listing it to an intake's manager
    would show a link that is a 404."""
    from outcomes.models import Document

    documents = Document.objects.select_related(
        "program", "intake", "placement__intake", "placement__company", "requested_by"
    )
    if not user.is_authenticated:
        return documents.none()
    if user.is_superuser:
        return documents
    intakes = intakes_managed_by(user)
    return documents.filter(
        Q(placement__intake__in=intakes)
        | Q(placement__isnull=True, intake__in=intakes)
        | Q(
            placement__isnull=True,
            intake__isnull=True,
            program__in=[program.pk for program in programs_managed_whole_by(user)],
        )
    )
