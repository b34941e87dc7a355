"""The numbers pages show, from the counts the services keep where a page reads them on
every request (mirrors services.counting), and the managers' work queue."""

import datetime

from django.db.models import (
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.enums import (
    REVIEWABLE,
    ApplicationStatus,
    OfferStatus,
    RunStatus,
)
from applications.models import (
    Application,
    Conflict,
    FilterCount,
    HostFitTally,
    Offer,
    Review,
    ReviewerTally,
    SelectionRun,
    StatusCount,
)
from applications.queries.reviewing import _staff, by_current_reviewers
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from portal.paging import count_subquery
from programs.enums import StaffRole
from programs.queries import intakes_managed_by

__all__ = [
    "list_total",
    "status_counts",
    "reviewer_progress",
    "assignment_count",
    "host_fit_count",
    "host_fit_waiting",
    "review_counts",
    "OFFER_EXPIRY_WARNING",
    "WORK_KINDS",
    "work_queue",
]


def status_counts(intake):
    """{status: number of the intake's applications}, as the transitions keep them
    (StatusCount): a few rows, whatever the intake's size."""
    return dict(
        StatusCount.objects.filter(intake=intake.pk, count__gt=0).values_list("status", "count")
    )


def list_total(intake, *, statuses=None, facet=None, value=None):
    """How many of the intake's applications have one of ``statuses`` (all when None) and,
    with ``facet``, match that filter of the manager's list (FilterCount), from the kept
    counts: a few rows, whatever the intake's size."""
    if facet is None:
        counts = StatusCount.objects.filter(intake=intake.pk)
    else:
        counts = FilterCount.objects.filter(intake=intake.pk, facet=facet, value=value)
    if statuses is not None:
        counts = counts.filter(status__in=statuses)
    return counts.aggregate(n=Coalesce(Sum("count"), 0))["n"]


def reviewer_progress(intake):
    """Each reviewer of the intake: assigned, done, and the mean score they give, from the
    tallies the review services keep (ReviewerTally), whatever the number of reviews: two
    small queries, the tallies and the reviewers' names."""
    tallies = {tally.reviewer_id: tally for tally in ReviewerTally.objects.filter(intake=intake.pk)}
    names = (
        _staff(intake.pk, intake.program_id, StaffRole.REVIEWER)
        .order_by("email")
        .values_list("pk", "email", "full_name")
    )
    nobody = ReviewerTally()
    return [
        {"pk": pk, "email": email, "full_name": name, "assigned": tally.assigned,
         "done": tally.done, "mean_given": tally.mean_given}
        for pk, email, name in names
        for tally in [tallies.get(pk, nobody)]
    ]  # fmt: skip


def assignment_count(user):
    """How many reviews the reviewer's list holds, from the tallies of the intakes the
    person reviews now (ReviewerTally): a few rows, whatever the number of reviews."""
    return ReviewerTally.objects.filter(by_current_reviewers(), reviewer=user).aggregate(
        n=Coalesce(Sum("assigned"), 0)
    )["n"]


def host_fit_count(user):
    """How many pairs the person's host-fit queue holds, from the kept tallies of the
    person's hosts (HostFitTally): a few rows, whatever the number of applicants."""
    return _fit_tallies(user).aggregate(n=Coalesce(Sum("queued"), 0))["n"]


def _fit_tallies(user):
    return HostFitTally.objects.filter(host__partner_staff=user)


def host_fit_waiting(user):
    """How many shortlisted applicant-host pairs of the person's hosts have no opinion yet,
    from the kept tallies of the person's hosts."""
    return _fit_tallies(user).aggregate(n=Coalesce(Sum("waiting"), 0))["n"]


def review_counts(user):
    """The reviewer's dashboard numbers, from the tallies of the intakes the person reviews
    now (ReviewerTally): one query over a few rows, whatever the number of reviews."""
    # The due date first: an aggregate named like a field (to_do) hides the field from the
    # filters of the aggregates after it.
    counts = ReviewerTally.objects.filter(by_current_reviewers(), reviewer=user).aggregate(
        next_due=Min("intake__reviews_due_at", filter=Q(to_do__gt=0)),
        total=Coalesce(Sum("assigned"), 0),
        open=Coalesce(Sum("to_do"), 0),
        done=Coalesce(Sum("done"), 0),
    )
    counts["to_do"] = counts.pop("open")
    return counts


# An open offer whose deadline is this close is "expiring soon" on the manager's work queue.
OFFER_EXPIRY_WARNING = datetime.timedelta(days=2)


# What waits for a manager in an intake, in the order the dashboard lists it.
WORK_KINDS = (
    "to_screen", "conflicts", "overdue_reviews", "runs_to_confirm", "held_emails",
    "open_offers", "expiring_offers",
)  # fmt: skip


def _count_per_intake(rows, field="intake"):
    """The number of ``rows`` of the outer intake (OuterRef("pk")): COUNT without GROUP BY,
    so the subquery always gives one row (0 when none) and is cheap to build."""
    return count_subquery(rows.filter(**{field: OuterRef("pk")}))


def work_queue(user, now=None):
    """What waits for a manager (the director: every intake) in each intake not archived
    that has any: dicts of the intake's pk, title and program name and a count per
    WORK_KINDS, the soonest to close first. One query, whatever the number of intakes."""
    now = now or timezone.now()
    open_offers = Offer.objects.filter(status=OfferStatus.OPEN, deadline__isnull=False)
    intakes = (
        intakes_managed_by(user)
        .filter(archived_at__isnull=True)
        .annotate(
            to_screen=_count_per_intake(
                Application.objects.filter(status=ApplicationStatus.SCREENING)
            ),
            conflicts=_count_per_intake(Conflict.objects.filter(resolved_at__isnull=True)),
            overdue_reviews=_count_per_intake(
                Review.objects.filter(
                    submitted_at__isnull=True,
                    application__status__in=REVIEWABLE,
                    intake__reviews_due_at__lt=now,
                )
            ),
            # A finished run while the intake has no confirmed slate waits for a decision.
            runs_to_confirm=_count_per_intake(
                SelectionRun.objects.filter(
                    status=RunStatus.DONE, intake__slate_confirmed_at__isnull=True
                )
            ),
            held_emails=_count_per_intake(
                OutgoingEmail.objects.filter(status=EmailStatus.HELD), field="intake_ref"
            ),
            open_offers=_count_per_intake(open_offers),
            expiring_offers=_count_per_intake(
                open_offers.filter(deadline__lte=now + OFFER_EXPIRY_WARNING)
            ),
        )
        .order_by("closes_at", "pk")
        .values("pk", "title", "program__name", *WORK_KINDS)
    )
    return [intake for intake in intakes if any(intake[kind] for kind in WORK_KINDS)]
