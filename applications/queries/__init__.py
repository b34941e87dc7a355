"""Every read that pages and services share, by stage of the application, mirroring
applications.services:

- applying: companies and their members, applications and their pages, the manager's list;
- reviewing: reviewers and managers of an intake, the review dashboard, assignments,
  conflicts, the host-fit queue;
- counting: the numbers pages show, read from the kept counts, and the managers' work queue;
- selecting: selection runs, slates, offers, the decision outbox, freed seats.

Callers use ``applications.queries.<name>`` whatever the module: each module lists what it
exports in ``__all__``, and this package names every one of them. What pages show that is
not a query (an application as its applicant reads it, runs compared) is in
applications.display.
"""

from applications.queries.applying import (
    LIST_COLUMNS,
    MEMBER,
    applications_of,
    companies_of,
    drafts_cut_short,
    filter_choices,
    for_export,
    for_saving,
    host_names,
    intake_applications,
    member_recipients,
    member_role,
    open_invitations,
    with_everything,
)
from applications.queries.counting import (
    OFFER_EXPIRY_WARNING,
    WORK_KINDS,
    assignment_count,
    host_fit_count,
    host_fit_waiting,
    list_total,
    review_counts,
    reviewer_progress,
    status_counts,
    work_queue,
)
from applications.queries.reviewing import (
    ASSIGNMENT_COLUMNS,
    DASHBOARD_COLUMNS,
    HOST_FIT_COLUMNS,
    assignment_rows,
    by_current_reviewers,
    conflicts_of,
    dashboard_side,
    host_fit_queue,
    intakes_with_stale_scores,
    managers_of,
    open_conflicts,
    other_reviews,
    ranked_in_review,
    reviewed_applications,
    reviewers_of,
    short_of_reviewers,
    with_review,
)
from applications.queries.selecting import (
    cap_labels,
    decision_emails,
    decisions_batch,
    free_seats,
    offer_of,
    offers_of,
    runs_of,
    seat_candidates,
    selection_choices,
    slate_of,
)

__all__ = [
    "list_total",
    "MEMBER",
    "member_role",
    "companies_of",
    "member_recipients",
    "open_invitations",
    "with_everything",
    "for_saving",
    "applications_of",
    "intake_applications",
    "for_export",
    "filter_choices",
    "LIST_COLUMNS",
    "host_names",
    "drafts_cut_short",
    "with_review",
    "reviewers_of",
    "managers_of",
    "intakes_with_stale_scores",
    "ranked_in_review",
    "reviewed_applications",
    "DASHBOARD_COLUMNS",
    "dashboard_side",
    "open_conflicts",
    "conflicts_of",
    "by_current_reviewers",
    "ASSIGNMENT_COLUMNS",
    "assignment_rows",
    "other_reviews",
    "HOST_FIT_COLUMNS",
    "host_fit_queue",
    "short_of_reviewers",
    "status_counts",
    "reviewer_progress",
    "assignment_count",
    "host_fit_count",
    "host_fit_waiting",
    "review_counts",
    "OFFER_EXPIRY_WARNING",
    "WORK_KINDS",
    "work_queue",
    "runs_of",
    "slate_of",
    "offers_of",
    "offer_of",
    "decisions_batch",
    "decision_emails",
    "selection_choices",
    "cap_labels",
    "free_seats",
    "seat_candidates",
]
