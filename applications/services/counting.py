"""Values kept for pages that read them on every request, written in the transaction of the
change they follow: an intake's applications per status, and per status and filter of the
lists (sector, host, market, needs attention), each reviewer's reviews, the host-fit queue's
state on each host preference, and what waits for the intake's managers (WorkCount). The
recount functions rebuild them from the rows, for data written without the services
(migrations, the benchmark, test factories).

Locks, on PostgreSQL: the services that take turns on an intake lock it FOR NO KEY UPDATE, so a
row inserted that names it (a first status count, a work row) checks its key without waiting
for them. Every change of an intake's kept counts (a change of status, of what the lists filter
on, a recount) first locks the intake's work row (lock_work; in the intakes' order when it
counts in two), so changes in one intake take turns whatever order they update the counts
in; applications and conflicts are locked before the work row.
tests/applications/services/test_counting_concurrency forces the interleavings that
deadlocked or miscounted without these. A beat job counts the open intakes' work, statuses
and list filters again every night (recount_open_work)."""

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from applications import queries
from applications.enums import (
    HOST_FIT_STATUSES,
    REVIEWABLE,
    ApplicationStatus,
    ReviewAttention,
)
from applications.models import (
    Application,
    Conflict,
    FilterCount,
    HostFitOpinion,
    HostFitTally,
    HostPreference,
    Review,
    ReviewerTally,
    StatusCount,
    WorkCount,
)
from portal.locks import lock_in_order
from programs.models import Intake

__all__ = [
    "attention_of",
    "count_filters",
    "count_work",
    "lock_work",
    "count_fit_pairs",
    "filters_of",
    "follow_status_change",
    "recount_attention",
    "recount_filters",
    "recount_filters_of_host",
    "recount_fit_queue",
    "recount_reviewers",
    "recount_statuses",
    "recount_work",
    "recount_open_work",
    "work_counts",
]


def follow_status_change(application, *, was=None, to):
    """The application moved from status ``was`` (None for a new one) to ``to``: the kept
    counts of its intake and the host-fit queue's flag on its preferences follow, in the
    caller's transaction."""
    intake_id = application.intake_id
    screening = ApplicationStatus.SCREENING
    # Every change of status takes its intake's work row first: changes of status update the
    # same status and filter counts, in opposite orders when they go opposite ways (shortlist
    # one, unshortlist another), so they take turns on that row instead of deadlocking.
    lock_work(intake_id)
    count_work(intake_id, to_screen=(to == screening) - (was == screening))
    if (was in REVIEWABLE) != (to in REVIEWABLE):
        reviews = Review.objects.filter(application=application.pk, submitted_at__isnull=True)
        reviewers = list(reviews.values_list("reviewer_id", flat=True))
        if reviewers:
            reviews.update(to_do=to in REVIEWABLE)
            # Their tallies' to-do counts follow (the reviewer's dashboard reads them).
            recount_reviewers(intake_id, reviewers)
    if (was in HOST_FIT_STATUSES) != (to in HOST_FIT_STATUSES):
        preferences = HostPreference.objects.filter(application=application.pk)
        step = 1 if to in HOST_FIT_STATUSES else -1
        pairs = list(preferences.values_list("host_id", "opinion"))
        preferences.update(in_fit_queue=to in HOST_FIT_STATUSES)
        count_fit_pairs(
            [host for host, _opinion in pairs], queued=step,
            waiting_hosts=[host for host, opinion in pairs if not opinion], waiting=step,
        )  # fmt: skip
    pairs = filters_of([application.pk])[application.pk]
    if was is not None:
        count_filters(intake_id, was, pairs, -1)
    count_filters(intake_id, to, pairs, 1)
    if was is not None:
        StatusCount.objects.filter(intake_id=intake_id, status=was).update(count=F("count") - 1)
    counted = StatusCount.objects.filter(intake_id=intake_id, status=to)
    if not counted.update(count=F("count") + 1):
        # The first of its status: the row is made (or was, by a concurrent transaction,
        # whose insert this one waits for) and then counted.
        StatusCount.objects.bulk_create(
            [StatusCount(intake_id=intake_id, status=to, count=0)], ignore_conflicts=True
        )
        counted.update(count=F("count") + 1)


def filters_of(application_ids):
    """{application id: {(facet, value), ...}}: the list filters each application matches
    (FilterCount): its company's sector, the hosts it ranked and their markets, and what
    needs the review's attention (``attention_of``)."""
    found = {pk: set() for pk in application_ids}
    for pk, attention, sector in _attention_and_sector(application_ids):
        found[pk] = attention | ({(FilterCount.SECTOR, sector)} if sector else set())
    for pk, host, country in HostPreference.objects.filter(
        application__in=application_ids
    ).values_list("application_id", "host_id", "host__market__country"):
        found[pk].add((FilterCount.HOST, str(host)))
        if country:
            found[pk].add((FilterCount.MARKET, country))
    return found


A = ReviewAttention


def attention_of(application_ids):
    """{application id: {(ATTENTION, value), ...}}: what the review dashboard's "needs
    attention" filter finds in each application, by the same tests (filters.ReviewFilter):
    its reviewers disagree by the intake's disagreement points or more, no review is in yet
    (no combined score), a host partner said it is not a fit."""
    found = {pk: set() for pk in application_ids}
    for pk, attention, _sector in _attention_and_sector(application_ids):
        found[pk] = attention
    return found


def _attention_and_sector(application_ids):
    """(pk, what needs attention, the company's sector code) of each application, in one
    query (filters_of reads both; attention_of the first)."""
    rows = Application.objects.filter(pk__in=application_ids).values_list(
        "pk", "score_summary__spread", "score_summary__reviews_in", "intake__disagreement_points",
        Exists(queries.not_a_fit()), "company__sector__code",
    )  # fmt: skip
    for pk, spread, reviews_in, points, not_a_fit, sector in rows:
        attention = set()
        if spread is not None and spread >= points:
            attention.add((FilterCount.ATTENTION, A.DISAGREEMENT))
        if reviews_in is None:
            attention.add((FilterCount.ATTENTION, A.UNSCORED))
        if not_a_fit:
            attention.add((FilterCount.ATTENTION, A.NOT_A_FIT))
        yield pk, attention, sector


def _attention_rows(intake_id):
    applications = Application.objects.filter(intake_id=intake_id)
    tests = {
        A.DISAGREEMENT: Q(score_summary__spread__gte=F("intake__disagreement_points")),
        A.UNSCORED: Q(score_summary__isnull=True),
        A.NOT_A_FIT: Q(Exists(queries.not_a_fit())),
    }
    rows = []
    for value, test in tests.items():
        counted = applications.filter(test).values_list("status").annotate(n=Count("*"))
        rows += [(FilterCount.ATTENTION, status, value, n) for status, n in counted.order_by()]
    return rows


def recount_attention(intake):
    """The intake's "needs attention" counts counted again: after its scores are computed
    (refresh_scores, one pass over the intake) and when its disagreement points change."""
    intake_id = getattr(intake, "pk", intake)
    lock_work(intake_id)
    FilterCount.objects.filter(intake_id=intake_id, facet=FilterCount.ATTENTION).delete()
    FilterCount.objects.bulk_create(
        FilterCount(intake_id=intake_id, facet=facet, status=status, value=value, count=n)
        for facet, status, value, n in _attention_rows(intake_id)
    )


def count_filters(intake_id, status, pairs, step):
    """An application matching ``pairs`` ((facet, value), ...) entered (``step`` 1) or left
    (-1) ``status`` in the intake: the kept counts of those filters follow."""
    if not pairs:
        return
    if step > 0:
        FilterCount.objects.bulk_create(
            [
                FilterCount(intake_id=intake_id, status=status, facet=facet, value=value)
                for facet, value in pairs
            ],
            ignore_conflicts=True,
        )
    match = Q()
    for facet, value in pairs:
        match |= Q(facet=facet, value=value)
    FilterCount.objects.filter(match, intake_id=intake_id, status=status).update(
        count=F("count") + step
    )


def recount_filters(intake_id):
    """The intake's filter counts counted again from its applications (for data written
    without the services: migrations, the benchmark's bulk fill, test factories)."""
    lock_work(intake_id)
    applications = Application.objects.filter(intake_id=intake_id)
    preferences = HostPreference.objects.filter(application__intake_id=intake_id)
    rows = [
        (FilterCount.SECTOR, status, code, n)
        for status, code, n in applications.filter(company__sector__isnull=False)
        .values_list("status", "company__sector__code")
        .annotate(n=Count("*"))
        .order_by()
    ]
    rows += [
        (FilterCount.HOST, status, str(host), n)
        for status, host, n in preferences.values_list("application__status", "host_id")
        .annotate(n=Count("*"))
        .order_by()
    ]
    rows += [
        (FilterCount.MARKET, status, country, n)
        for status, country, n in preferences.filter(host__market__isnull=False)
        .values_list("application__status", "host__market__country")
        .annotate(n=Count("application", distinct=True))
        .order_by()
    ]
    rows += _attention_rows(intake_id)
    FilterCount.objects.filter(intake_id=intake_id).delete()
    FilterCount.objects.bulk_create(
        FilterCount(intake_id=intake_id, facet=facet, status=status, value=value, count=n)
        for facet, status, value, n in rows
    )


def recount_filters_of_host(host):
    """A host changed market: the filter counts of the intakes whose applications ranked it
    are counted again (a rare change, made by a manager)."""
    intakes = (
        HostPreference.objects.filter(host=host.pk)
        .values_list("application__intake_id", flat=True)
        .distinct()
        .order_by()
    )
    intake_ids = sorted(intakes)
    lock_work(*intake_ids)  # all at once, in order, as a change in two intakes takes them
    for intake_id in intake_ids:
        recount_filters(intake_id)


def count_fit_pairs(hosts, *, queued=0, waiting_hosts=(), waiting=0):
    """Pairs entered (1) or left (-1) the hosts' host-fit queues, and pairs of
    ``waiting_hosts`` started (1) or stopped (-1) waiting for an opinion."""
    if not hosts and not waiting_hosts:
        return
    HostFitTally.objects.bulk_create(
        [HostFitTally(host_id=host) for host in {*hosts, *waiting_hosts}], ignore_conflicts=True
    )
    if queued and hosts:
        HostFitTally.objects.filter(host_id__in=hosts).update(queued=F("queued") + queued)
    if waiting and waiting_hosts:
        HostFitTally.objects.filter(host_id__in=waiting_hosts).update(
            waiting=F("waiting") + waiting
        )


def recount_statuses(intake_id):
    """The intake's status counts counted again from its applications (for data written
    without the services: migrations, the benchmark's bulk fill, test factories)."""
    lock_work(intake_id)
    counts = dict(
        Application.objects.filter(intake_id=intake_id)
        .values_list("status")
        .annotate(n=Count("*"))
        .order_by()
    )
    StatusCount.objects.filter(intake_id=intake_id).exclude(status__in=counts).delete()
    StatusCount.objects.bulk_create(
        [StatusCount(intake_id=intake_id, status=s, count=n) for s, n in counts.items()],
        update_conflicts=True,
        unique_fields=["intake", "status"],
        update_fields=["count"],
    )
    # The applications to screen by hand are a status count too (WorkCount's).
    WorkCount.objects.filter(intake_id=intake_id).update(
        to_screen=counts.get(ApplicationStatus.SCREENING, 0)
    )


def recount_reviewers(intake_id, reviewer_ids=None, *, to_do=False):
    """The reviewers' tallies in the intake counted again from their reviews, each an index
    range (intake, reviewer): called by every service that assigns, removes or saves
    reviews, for the reviewers it touched; all of the intake's when ``reviewer_ids`` is
    None. With ``to_do``, the reviews' to-do flags are set again too (for reviews written
    without the services)."""
    # The intake's work row first: the reviews and tallies read below are then what they
    # are when the change to its reviews still to give is counted (one recount at a time).
    lock_work(intake_id)
    reviews = Review.objects.filter(intake_id=intake_id)
    tallies = ReviewerTally.objects.filter(intake_id=intake_id)
    if reviewer_ids is not None:
        reviews = reviews.filter(reviewer_id__in=reviewer_ids)
        tallies = tallies.filter(reviewer_id__in=reviewer_ids)
    if to_do:
        # Only the flags that are wrong are written (the night recount reads every intake).
        still_to_give = Q(
            Exists(Application.objects.filter(pk=OuterRef("application"), status__in=REVIEWABLE)),
            submitted_at__isnull=True,
        )
        reviews.filter(still_to_give, to_do=False).update(to_do=True)
        reviews.filter(~still_to_give, to_do=True).update(to_do=False)
    rows = list(
        reviews.values("reviewer_id")
        .annotate(
            assigned=Count("*"),
            done=Count("submitted_at"),
            scored=Count("score"),
            to_do=Count("pk", filter=Q(to_do=True)),
            score_total=Sum("score", default=0),
        )
        .order_by()
    )
    # The intake's reviews still to give follow these reviewers' (the work row first).
    was_to_do = tallies.aggregate(n=Coalesce(Sum("to_do"), 0))["n"]
    count_work(intake_id, open_reviews=sum(row["to_do"] for row in rows) - was_to_do)
    tallies.exclude(reviewer_id__in=[row["reviewer_id"] for row in rows]).delete()
    ReviewerTally.objects.bulk_create(
        [ReviewerTally(intake_id=intake_id, **row) for row in rows],
        update_conflicts=True,
        unique_fields=["intake", "reviewer"],
        update_fields=["assigned", "done", "scored", "to_do", "score_total"],
    )


def recount_fit_queue(application_ids):
    """The host-fit queue's kept values on these applications' preferences set again from
    their statuses and the opinions given (for data written without the services)."""
    opinion = HostFitOpinion.objects.filter(
        application=OuterRef("application"), host=OuterRef("host")
    ).values("opinion")
    preferences = HostPreference.objects.filter(application__in=application_ids)
    preferences.update(
        in_fit_queue=Exists(
            Application.objects.filter(pk=OuterRef("application"), status__in=HOST_FIT_STATUSES)
        ),
        opinion=Coalesce(Subquery(opinion), Value("")),
    )
    hosts = set(preferences.values_list("host_id", flat=True))
    HostFitTally.objects.bulk_create(
        [
            HostFitTally(host_id=row["host_id"], queued=row["queued"], waiting=row["waiting"])
            for row in HostPreference.objects.filter(host__in=hosts, in_fit_queue=True)
            .values("host_id")
            .annotate(queued=Count("*"), waiting=Count("pk", filter=Q(opinion="")))
            .order_by()
        ],
        update_conflicts=True,
        unique_fields=["host"],
        update_fields=["queued", "waiting"],
    )
    HostFitTally.objects.filter(host__in=hosts).exclude(
        host__in=HostPreference.objects.filter(in_fit_queue=True).values("host")
    ).update(queued=0, waiting=0)


def count_work(intake_id, **steps):
    """Add ``steps`` (WorkCount kinds: +n or -n each) to what waits for the intake's
    managers, in the caller's transaction; the row is made with the intake's first work."""
    # Never below 0: a count gone wrong (rows written without the services) costs a wrong
    # number on a dashboard until recount_work, never a refused write.
    changes = {kind: Greatest(F(kind) + step, 0) for kind, step in steps.items() if step}
    if not changes:
        return
    row = WorkCount.objects.filter(intake_id=intake_id)
    if not row.update(**changes):
        # The intake's first work: the row is made (or was, by a concurrent transaction,
        # whose insert this one waits for) and then counted.
        WorkCount.objects.bulk_create([WorkCount(intake_id=intake_id)], ignore_conflicts=True)
        row.update(**changes)


def work_counts(intake_id):
    """What WorkCount keeps for the intake, counted from its records now."""
    return {
        "to_screen": Application.objects.filter(
            intake_id=intake_id, status=ApplicationStatus.SCREENING
        ).count(),
        "conflicts": Conflict.objects.filter(intake_id=intake_id, resolved_at__isnull=True).count(),
        "open_reviews": Review.objects.filter(
            intake_id=intake_id, submitted_at__isnull=True, application__status__in=REVIEWABLE
        ).count(),
    }


def lock_work(*intake_ids):
    """The intakes' work rows, locked in the order of their intakes and made if missing: what
    every change of an intake's kept counts takes first (a change of status, of what the lists
    filter on, a recount), so that two changes in one intake take turns."""
    ids = sorted(set(intake_ids))
    missing = [WorkCount(intake_id=pk) for pk in ids]
    if not transaction.get_connection().in_atomic_block:
        # A caller outside a transaction (a test factory, a bulk fill) holds nothing.
        WorkCount.objects.bulk_create(missing, ignore_conflicts=True)
        return
    rows = WorkCount.objects.filter(intake_id__in=ids)
    # Plain FOR UPDATE: nothing names a work row, and every lock of it is this one.
    if len(lock_in_order(rows, order_by=["intake_id"], no_key=False)) < len(ids):
        # An intake's first work: its row is made (or was, by a concurrent transaction, whose
        # insert this one waits for), then locked.
        WorkCount.objects.bulk_create(missing, ignore_conflicts=True)
        lock_in_order(rows, order_by=["intake_id"], no_key=False)


def _list_counts(intake_id):
    """The intake's kept list counts as a reader of them sees them (a count of 0 and no row
    say the same)."""
    return (
        set(StatusCount.objects.filter(intake_id=intake_id, count__gt=0)
            .values_list("status", "count")),
        set(FilterCount.objects.filter(intake_id=intake_id, count__gt=0)
            .values_list("facet", "status", "value", "count")),
    )  # fmt: skip


def recount_work(intake_id):
    """The intake's work row, its status counts and its list filters' counts counted again
    from its records, under its lock (the beat job that mends a count gone wrong: rows
    deleted or changed outside the services, in the admin say; and data written without
    the services). Returns whether a kept count was wrong."""
    lock_work(intake_id)
    row = WorkCount.objects.filter(intake_id=intake_id)
    kept = row.values(*WorkCount.KINDS).get()
    listed = _list_counts(intake_id)
    recount_statuses(intake_id)
    recount_filters(intake_id)
    # The reviewers' tallies too: each later change to the reviews still to give is counted
    # from them, so a wrong tally would bring a mended count back wrong.
    recount_reviewers(intake_id, to_do=True)
    fresh = work_counts(intake_id)
    row.update(**fresh)
    return kept != fresh or listed != _list_counts(intake_id)


def recount_open_work():
    """Every intake not archived: its work row counted again (recount_work), each in a
    transaction of its own. Returns the intakes whose row was wrong."""
    intakes = Intake.objects.filter(archived_at__isnull=True).order_by("pk")
    mended = []
    for intake_id in intakes.values_list("pk", flat=True):
        with transaction.atomic():
            if recount_work(intake_id):
                mended.append(intake_id)
    return mended
