"""What people may see of outcome reports, the lists' querysets, and what other apps ask."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from applications.models import CompanyMember
from outcomes.enums import OPEN_STAGES, ReportKind, ReportStatus
from outcomes.models import Opportunity, OutcomeReport, ReportEvent
from placements.enums import EntryKind, PlacementStatus
from placements.models import LogEntry, Placement
from programs.queries import intakes_managed_by

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
    """Is the placement's end-of-stay report verified? The stipend tranche that waits on it
    reads this (the merge wires it to ``satisfy_condition``)."""
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
]


def reports_for_manager(user):
    return OutcomeReport.objects.filter(placement__intake__in=intakes_managed_by(user)).order_by(
        "due_on", "pk"
    )


def overdue_q(today=None):
    """Still to hand in, past the due date (the intake's grace period is for the flag)."""
    today = today or timezone.localdate()
    return Q(status__in=[S.DUE, S.CHANGES_REQUESTED], due_on__lt=today)
