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

from applications.enums import OfferStatus, RunStatus
from applications.models import (
    FilterCount,
    HostFitTally,
    Offer,
    ReviewerTally,
    SelectionRun,
    StatusCount,
    WorkCount,
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
    # A row per status at most: summed here, which is cheaper to build than an aggregate.
    return sum(counts.values_list("count", flat=True))


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
    WORK_KINDS, the soonest to close first. One query, whatever the number of intakes: the
    intake's kept work row (WorkCount) joined, and the offers, held emails and finished runs
    counted.
    Reviews still to give are overdue once the intake's review deadline has passed; finished
    runs wait for a confirmation while the intake has no confirmed slate."""
    now = now or timezone.now()
    open_offers = Offer.objects.filter(status=OfferStatus.OPEN, deadline__isnull=False)
    intakes = (
        intakes_managed_by(user)
        .filter(archived_at__isnull=True)
        .annotate(
            held_emails=_count_per_intake(
                OutgoingEmail.objects.filter(status=EmailStatus.HELD), field="intake_ref"
            ),
            open_offers=_count_per_intake(open_offers),
            expiring_offers=_count_per_intake(
                open_offers.filter(deadline__lte=now + OFFER_EXPIRY_WARNING)
            ),
            done_runs=_count_per_intake(SelectionRun.objects.filter(status=RunStatus.DONE)),
        )
        .order_by("closes_at", "pk")
        .values(
            "pk", "title", "program__name", "reviews_due_at", "slate_confirmed_at",
            "held_emails", "open_offers", "expiring_offers", "done_runs",
            *(f"work_count__{kind}" for kind in WorkCount.KINDS),
        )
    )  # fmt: skip
    queue = []
    for row in intakes:
        kept = {kind: row.pop(f"work_count__{kind}") or 0 for kind in WorkCount.KINDS}
        due, confirmed = row.pop("reviews_due_at"), row.pop("slate_confirmed_at")
        done_runs = row.pop("done_runs")
        row.update(
            to_screen=kept["to_screen"],
            conflicts=kept["conflicts"],
            overdue_reviews=kept["open_reviews"] if due is not None and due < now else 0,
            runs_to_confirm=done_runs if confirmed is None else 0,
        )
        if any(row[kind] for kind in WORK_KINDS):
            queue.append(row)
    return queue
