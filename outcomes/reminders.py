"""Reminders of outcome reports, queued by beat (outcomes.tasks.remind_reports): to the firm
some days before the due date, on it and some days after it, and to the intake's managers
once a report is overdue past the grace period (the intake's ReportTerms, or the defaults).

Each is keyed in the outbox by the report, what the reminder is and the due date it concerns,
so a retried or twice-run job sends nothing twice, and a due date a manager moves makes the
next reminders new ones (the reminders move with the date). Each person reads it in their own
language, with a link that opens the report.

A reminder is sent from its day until LATE_LIMIT_DAYS after it (the job runs every hour): a
report scheduled long after its dates gets no pile of stale reminders.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from applications.queries import managers_of, member_recipients
from outcomes.enums import ReportKind, ReportStatus
from outcomes.models import OutcomeReport, ReportTerms
from portal.links import link_to
from portal.services import queue_email_to_people

S = ReportStatus
# A report the manager asked a question about is in a conversation, not late: only reports
# never handed in are reminded and flagged.
TO_HAND_IN = [S.DUE]
LATE_LIMIT_DAYS = 14

# The longest reach of the terms' validators: reports outside it need no reminder today.
_MAX_BEFORE = 60
_MAX_AFTER = 180


def _terms(intake_ids):
    """{intake id: terms}, the defaults for an intake with none: one query."""
    found = {terms.intake_id: terms for terms in ReportTerms.objects.filter(intake__in=intake_ids)}
    return {intake_id: found.get(intake_id) or ReportTerms() for intake_id in intake_ids}


def reminders_due(report, terms, today):
    """The reminders the report's firm should have by ``today`` (within their window):
    a list of "before", "on" and "after"."""

    def within(day):
        return day <= today < day + datetime.timedelta(days=LATE_LIMIT_DAYS)

    due = report.due_on
    found = []
    before = due - datetime.timedelta(days=terms.remind_before_days)
    if before <= today < due:
        found.append("before")
    if terms.remind_on_due_date and within(due):
        found.append("on")
    if within(due + datetime.timedelta(days=terms.remind_after_days)):
        found.append("after")
    return found


def is_past_grace(report, terms, today):
    return today >= report.due_on + datetime.timedelta(days=terms.grace_days)


TEMPLATES = {
    "before": "outcomes/email/report_due_soon",
    "on": "outcomes/email/report_due_today",
    "after": "outcomes/email/report_late",
}


def _context(report):
    placement = report.placement
    return {
        "report": report,
        # The lazy label, so that each reader's email names the report in their language
        # (get_kind_display() would be translated once, in the job's language).
        "kind": ReportKind(report.kind).label,
        "company": placement.company.name,
        "host": placement.host.name,
        "due": report.due_on,
    }


def remind_firm(report, what, people):
    with transaction.atomic():
        queue_email_to_people(
            people,
            key=f"outcome-report-{what}:{report.pk}:{report.due_on.isoformat()}",
            template=TEMPLATES[what],
            context=_context(report) | {"link": link_to("outcomes:report", report.pk)},
            intake_ref=report.placement.intake_id,
        )


@transaction.atomic
def flag_overdue(report, today):
    """Tell the intake's managers, once per due date, and mark the report flagged (the
    manager's list filters on it)."""
    queue_email_to_people(
        list(managers_of(report.placement.intake).values_list("email", "language")),
        key=f"outcome-report-overdue:{report.pk}:{report.due_on.isoformat()}",
        template="outcomes/email/report_overdue",
        context=_context(report) | {"link": link_to("outcomes:verify", report.pk)},
        intake_ref=report.placement.intake_id,
    )
    OutcomeReport.objects.filter(pk=report.pk, overdue_flagged_on__isnull=True).update(
        overdue_flagged_on=today
    )


def open_reports(today):
    """Reports still to hand in whose dates may call for a reminder today."""
    return (
        OutcomeReport.objects.filter(
            status__in=TO_HAND_IN,
            due_on__lte=today + datetime.timedelta(days=_MAX_BEFORE),
            due_on__gte=today - datetime.timedelta(days=_MAX_AFTER + LATE_LIMIT_DAYS),
        )
        .select_related("placement__company", "placement__host", "placement__intake")
        .order_by("due_on", "pk")
    )


def remind_reports(today=None):
    today = today or timezone.localdate()
    reports = list(open_reports(today))
    terms = _terms({report.placement.intake_id for report in reports})
    firms = member_recipients({report.placement.company_id for report in reports})
    for report in reports:
        report_terms = terms[report.placement.intake_id]
        people = firms.get(report.placement.company_id, [])
        for what in reminders_due(report, report_terms, today):
            if people:
                remind_firm(report, what, people)
        if is_past_grace(report, report_terms, today) and report.overdue_flagged_on is None:
            flag_overdue(report, today)
